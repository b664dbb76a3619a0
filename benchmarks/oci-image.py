#!/usr/bin/env python3
"""Builds an OCI image layout from uncompressed layer tars: gzip-compressed layers, a config with
their diff ids, a manifest, and index.json naming it REF. Used by the benchmarks to make a large
image from host files.

usage: oci-image.py LAYOUT_DIR REF LAYER.tar...
"""
import gzip, hashlib, json, os, shutil, sys, time


def blob(layout, data_path_or_bytes):
    h = hashlib.sha256()
    tmp = os.path.join(layout, "blobs", "sha256", "tmp")
    with open(tmp, "wb") as out:
        if isinstance(data_path_or_bytes, bytes):
            out.write(data_path_or_bytes)
            h.update(data_path_or_bytes)
        else:
            with open(data_path_or_bytes, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    out.write(chunk)
                    h.update(chunk)
    digest = h.hexdigest()
    os.rename(tmp, os.path.join(layout, "blobs", "sha256", digest))
    return "sha256:" + digest, os.path.getsize(os.path.join(layout, "blobs", "sha256", digest))


def main():
    layout, ref, layers = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    diff_ids, descriptors = [], []
    for tar in layers:
        h = hashlib.sha256()
        with open(tar, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        diff_ids.append("sha256:" + h.hexdigest())
        gz = tar + ".gz"
        with open(tar, "rb") as src, open(gz, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        digest, size = blob(layout, gz)
        os.remove(gz)
        descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size})
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    config = {"architecture": "amd64", "os": "linux", "created": created,
              "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["sh"]},
              "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "history": [{"created": created, "created_by": "benchmark layer %d" % i} for i in range(len(layers))]}
    config_bytes = json.dumps(config, separators=(",", ":")).encode()
    config_digest, config_size = blob(layout, config_bytes)
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
                "layers": descriptors}
    manifest_bytes = json.dumps(manifest, separators=(",", ":")).encode()
    manifest_digest, manifest_size = blob(layout, manifest_bytes)
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest,
                            "size": manifest_size, "annotations": {"org.opencontainers.image.ref.name": ref},
                            "platform": {"architecture": "amd64", "os": "linux"}}]}
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(index, f)


if __name__ == "__main__":
    main()
