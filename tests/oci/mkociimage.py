#!/usr/bin/python3
"""tests/oci/mkociimage.py ROOTFS OUT.tar NAME — an OCI image-layout tarball
of the directory ROOTFS, for `ctr images import` (no network, no registry).

One uncompressed layer (every file owned by 0:0, mtimes kept), its image
config (linux/amd64, PATH, /bin/sh) and manifest, each a sha256 blob under
blobs/sha256/; index.json names the manifest NAME (annotation
io.containerd.image.name, and org.opencontainers.image.ref.name its tag).
"""
import hashlib, io, json, os, sys, tarfile

rootfs, out, name = sys.argv[1:4]
blobs = {}


def blob(data):
    d = hashlib.sha256(data).hexdigest()
    blobs[d] = data
    return {"digest": "sha256:" + d, "size": len(data)}


def owned_by_root(ti):
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    return ti


buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    for e in sorted(os.listdir(rootfs)):
        t.add(os.path.join(rootfs, e), arcname=e, filter=owned_by_root)
layer = blob(buf.getvalue())
arch = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "mips": "mips"}.get(os.uname().machine, os.uname().machine)
config = blob(json.dumps({
    "architecture": arch, "os": "linux",
    "config": {"Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["/bin/sh"], "WorkingDir": "/"},
    "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]},
}, sort_keys=True).encode())
manifest = blob(json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **config),
    "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar", **layer)],
}, sort_keys=True).encode())
index = {
    "schemaVersion": 2,
    "manifests": [dict(mediaType="application/vnd.oci.image.manifest.v1+json", **manifest,
                       platform={"architecture": arch, "os": "linux"},
                       annotations={"io.containerd.image.name": name,
                                    "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]})],
}
with tarfile.open(out, "w") as t:
    def add(path, data):
        ti = tarfile.TarInfo(path)
        ti.size, ti.mode = len(data), 0o644
        t.addfile(ti, io.BytesIO(data))
    add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    add("index.json", json.dumps(index, sort_keys=True).encode())
    for d, data in blobs.items():
        add("blobs/sha256/" + d, data)
