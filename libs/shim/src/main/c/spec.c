/*
 * The spec: a sequence of NUL-terminated strings, each a directive, the number of its arguments,
 * then the arguments. The shim's own directives are listed in apply_directive(); the others are
 * operations that the container's init applies in order (mounts.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "shim.h"
#include "spec.h"
#include "utils.h"

struct op ops[MAX_ITEMS];
int nops;
char *args[MAX_ITEMS];
int nargs;
char *envs[MAX_ITEMS];
int nenvs;
const char *cgroup_procs[64];
int ncgroups;
const char *rootfs, *hostname_value, *cwd = "/", *log_path, *netns;
const char *uid_map, *gid_map;
int readonly_rootfs, no_new_privs, namespaces;
unsigned long root_propagation = MS_REC | MS_PRIVATE;
uid_t uid;
gid_t gid;
gid_t groups[256];
int ngroups;
uint64_t caps;
long long log_max_size;
int log_max_files = 1;
int terminal, open_stdin, stdin_once;
pid_t join_pid;
unsigned short term_rows, term_cols;
const char *oci_runtime, *oci_root, *oci_id, *oci_mode, *oci_path, *oci_empty;
const char *oci_options[8];
int noci_options;

static void set_user(int argc, char **argv)
{
    uid = (uid_t) strtoul(argv[0], NULL, 10);
    gid = (gid_t) strtoul(argv[1], NULL, 10);
    for (int i = 2; i < argc && ngroups < 256; i++)
        groups[ngroups++] = (gid_t) strtoul(argv[i], NULL, 10);
}

/*
 * runtime, its state root, container id, "create" BUNDLE or "exec" PROCESS.json, and an empty file
 * to show as the unified hierarchy's cgroup.controllers, or "".
 */
static void set_oci(int argc, char **argv)
{
    if (argc != 6)
        die("spec: oci needs 6 arguments");
    oci_runtime = argv[0];
    oci_root = argv[1];
    oci_id = argv[2];
    oci_mode = argv[3];
    oci_path = argv[4];
    oci_empty = argv[5][0] ? argv[5] : NULL;
}

static void add_op(const char *name, int argc, char **argv)
{
    if (nops == MAX_ITEMS)
        die("spec: too many operations");
    ops[nops].name = name;
    ops[nops].argc = argc;
    ops[nops].argv = argv;
    nops++;
}

static void apply_directive(const char *name, int argc, char **argv)
{
    if (!strcmp(name, "arg")) {
        args[nargs++] = argv[0];
    } else if (!strcmp(name, "env")) {
        envs[nenvs++] = argv[0];
    } else if (!strcmp(name, "rootfs")) {
        rootfs = argv[0];
        readonly_rootfs = atoi(argv[1]);
    } else if (!strcmp(name, "propagation")) {
        root_propagation = strtoul(argv[0], NULL, 10);
    } else if (!strcmp(name, "hostname")) {
        hostname_value = argv[0];
    } else if (!strcmp(name, "cwd")) {
        cwd = argv[0];
    } else if (!strcmp(name, "user")) {
        set_user(argc, argv);
    } else if (!strcmp(name, "caps")) {
        caps = strtoull(argv[0], NULL, 16);
    } else if (!strcmp(name, "no-new-privileges")) {
        no_new_privs = atoi(argv[0]);
    } else if (!strcmp(name, "namespaces")) {
        namespaces = (int) strtol(argv[0], NULL, 16);
    } else if (!strcmp(name, "netns")) {
        netns = argv[0];
    } else if (!strcmp(name, "userns")) {
        if (argc != 2)
            die("spec: userns needs 2 arguments");
        uid_map = argv[0];
        gid_map = argv[1];
    } else if (!strcmp(name, "cgroup")) {
        if (ncgroups < 64)
            cgroup_procs[ncgroups++] = argv[0];
    } else if (!strcmp(name, "join")) {
        join_pid = (pid_t) atoi(argv[0]);
    } else if (!strcmp(name, "terminal")) {
        terminal = 1;
        term_rows = (unsigned short) atoi(argv[0]);
        term_cols = (unsigned short) atoi(argv[1]);
    } else if (!strcmp(name, "stdin")) {
        open_stdin = 1;
        stdin_once = atoi(argv[0]);
    } else if (!strcmp(name, "oci")) {
        set_oci(argc, argv);
    } else if (!strcmp(name, "oci-option")) {
        if (noci_options == 8)
            die("spec: too many oci-option directives");
        oci_options[noci_options++] = argv[0];
    } else if (!strcmp(name, "log")) {
        log_path = argv[0];
        log_max_size = atoll(argv[1]);
        log_max_files = atoi(argv[2]);
    } else {
        add_op(name, argc, argv);
    }
    if (nargs >= MAX_ITEMS - 1 || nenvs >= MAX_ITEMS - 1)
        die("spec: too many arguments or variables");
}

void parse_directives(const char *path)
{
    size_t len;
    char *buf = read_file(path, &len);
    if (buf == NULL)
        die("cannot read %s: %s", path, strerror(errno));
    size_t pos = 0;
    while (pos < len) {
        char *name = buf + pos;
        pos += strlen(name) + 1;
        if (pos >= len)
            die("spec: truncated after %s", name);
        int argc = atoi(buf + pos);
        pos += strlen(buf + pos) + 1;
        char **argv = calloc((size_t) argc + 1, sizeof(char *));
        for (int i = 0; i < argc; i++) {
            if (pos >= len)
                die("spec: %s lacks arguments", name);
            argv[i] = buf + pos;
            pos += strlen(buf + pos) + 1;
        }
        apply_directive(name, argc, argv);
    }
}

void parse_spec(const char *path)
{
    parse_directives(path);
    if (oci_runtime == NULL && ((rootfs == NULL && join_pid <= 0) || nargs == 0))
        die("spec: no rootfs or no command");
}
