"""What the bench's scripts share to measure a process fairly: a private copy of its binary, its memory as
/proc tells it, and a TLS pair to serve or push over."""
import os
import shutil
import subprocess


def private_copy(binary, directory, name):
    """The binary copied to a file of its own, out of the page cache: as on a host where one agent runs,
    its pages are mapped by it alone (an agent sharing its binary's pages with another could release
    none of them), and the page cache they fill is charged to its own cgroup."""
    path = os.path.join(directory, name)
    shutil.copy2(binary, path)
    with open(path, "rb") as f:
        os.fsync(f.fileno())
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    return path


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def rollup_kib(pid):
    """PSS and USS (Private_Clean + Private_Dirty) from /proc/PID/smaps_rollup."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return fields.get("Pss", 0), fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)


def tls_pair(directory, key_type="rsa"):
    """A private CA and a certificate for 127.0.0.1 signed by it, RSA 2048 or ECDSA P-256 (the CA alike),
    made with the openssl command: the paths of ca.pem, server.pem and server.key."""
    new_key = ["-newkey", "rsa:2048"] if key_type == "rsa" else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]

    def openssl(*arguments):
        subprocess.run(["openssl", *arguments], cwd=directory, check=True, capture_output=True)
    openssl("req", "-x509", *new_key, "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=bench CA")
    openssl("req", *new_key, "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(directory, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "san.ext", "-out", "server.pem")
    return {name: os.path.join(directory, name) for name in ("ca.pem", "server.pem", "server.key")}
