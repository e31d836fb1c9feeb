#!/bin/bash
# devstack plugin of Tricircle: `enable_plugin tricircle <repo>` in local.conf
# (devstack/local.conf.central.sample, devstack/local.conf.region.sample).

source "$DEST/tricircle/devstack/lib/tricircle"

if [[ $1 == stack ]]; then
    case $2 in
        install)
            install_tricircle
            ;;
        post-config)
            if [[ $TRICIRCLE_ROLE == central ]]; then
                configure_tricircle
                init_tricircle
                register_tricircle_endpoints
                configure_central_neutron
            else
                configure_local_neutron
            fi
            ;;
        extra)
            if [[ $TRICIRCLE_ROLE == central ]]; then
                start_tricircle
                register_tricircle_pods
            fi
            ;;
    esac
elif [[ $1 == unstack ]]; then
    [[ $TRICIRCLE_ROLE == central ]] && stop_tricircle
elif [[ $1 == clean ]]; then
    [[ $TRICIRCLE_ROLE == central ]] && cleanup_tricircle
fi
