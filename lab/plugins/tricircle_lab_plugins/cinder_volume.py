"""A Cinder volume driver for the lab: the fake driver Cinder ships, minus disk I/O.

Cinder's FakeLoggingVolumeDriver inherits the LVM driver's image copies, which
shell out to sudo, dd and qemu-img on a block device that does not exist here.
Copies to a volume do nothing; copies to an image upload 1 MiB of zeros, so
`volume create --image` and `image create --volume` complete.
"""

import io

from cinder.tests import fake_driver

_BLANK_IMAGE = b"\0" * (1024 * 1024)


class LabVolumeDriver(fake_driver.FakeLoggingVolumeDriver):
    def copy_image_to_volume(self, context, volume, image_service, image_id,
                             disable_sparse=False):
        return None

    def copy_volume_to_image(self, context, volume, image_service, image_meta):
        meta = {"disk_format": image_meta.get("disk_format", "raw"),
                "container_format": image_meta.get("container_format", "bare")}
        image_service.update(context, image_meta["id"], meta,
                             data=io.BytesIO(_BLANK_IMAGE), purge_props=False)
