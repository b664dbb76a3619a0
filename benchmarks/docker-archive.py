#!/usr/bin/env python3
"""Writes a `docker save` archive (uncompressed layers, manifest.json) from uncompressed layer
tars, tagged REF, which both dockerd and Berth load. Used by benchmarks/vfs.sh.

usage: docker-archive.py OUT.tar REF LAYER.tar...
"""
import hashlib, io, json, os, sys, tarfile, time


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def add_bytes(out, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    out.addfile(info, io.BytesIO(data))


def main():
    target, ref, layers = sys.argv[1], sys.argv[2], sys.argv[3:]
    diff_ids = ["sha256:" + sha256_file(t) for t in layers]
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    config = {"architecture": "amd64", "os": "linux", "created": created,
              "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["bash"]},
              "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "history": [{"created": created, "created_by": "benchmark layer %d" % i} for i in range(len(layers))]}
    config_bytes = json.dumps(config, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    names = [d.split(":")[1] + "/layer.tar" for d in diff_ids]
    manifest = [{"Config": config_name, "RepoTags": [ref], "Layers": names}]
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as out:
        add_bytes(out, config_name, config_bytes)
        for tar, name in zip(layers, names):
            out.add(tar, arcname=name)
        add_bytes(out, "manifest.json", json.dumps(manifest).encode())


if __name__ == "__main__":
    main()
