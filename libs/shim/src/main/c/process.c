/* The process the container runs: its credentials and capabilities, and its exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container.h"
#include "process.h"
#include "shim.h"
#include "utils.h"

static int capset_all(uint64_t mask)
{
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    /* Inheritable stays empty, as docker has it since CVE-2022-24769. */
    data[0].effective = data[0].permitted = (uint32_t) mask;
    data[1].effective = data[1].permitted = (uint32_t) (mask >> 32);
    return (int) syscall(SYS_capset, &header, data);
}

/* Drops from the bounding set the capabilities the spec does not give. */
static void limit_bounding_set(void)
{
    int last = 40;
    size_t len;
    char *s = read_file("/proc/sys/kernel/cap_last_cap", &len);
    if (s != NULL) {
        last = atoi(s);
        free(s);
    }
    for (int cap = 0; cap <= last; cap++) {
        if (!(caps & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            fail(1, "prctl PR_CAPBSET_DROP %d: %s", cap, strerror(errno));
    }
}

void drop_privileges(void)
{
    limit_bounding_set();
    CHECK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl PR_SET_KEEPCAPS");
    CHECK(setgroups((size_t) ngroups, groups), "setgroups");
    CHECK(setresgid(gid, gid, gid), "setgid %u", (unsigned) gid);
    CHECK(setresuid(uid, uid, uid), "setuid %u", (unsigned) uid);
    CHECK(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), "prctl PR_SET_KEEPCAPS");
    /* Other users than root keep the set as their bounding set only, as with docker. */
    if (capset_all(uid == 0 ? caps : 0) < 0)
        fail(1, "capset: %s", strerror(errno));
    if (no_new_privs)
        CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl PR_SET_NO_NEW_PRIVS");
}

static const char *path_of(char **env)
{
    for (char **e = env; *e; e++)
        if (!strncmp(*e, "PATH=", 5))
            return *e + 5;
    return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

void exec_command(void)
{
    args[nargs] = NULL;
    envs[nenvs] = NULL;
    if (strchr(args[0], '/') != NULL) {
        execve(args[0], args, envs);
        int error = errno;
        /* Go's words for the errno (strerror's, lower-cased), as runc reports it. */
        char reason[128];
        snprintf(reason, sizeof reason, "%s", strerror(error));
        if (reason[0] >= 'A' && reason[0] <= 'Z')
            reason[0] = (char) (reason[0] - 'A' + 'a');
        fail(error == ENOENT ? 127 : 126, "exec: \"%s\": %s", args[0], reason);
    }
    const char *path = path_of(envs);
    int saw_eacces = 0;
    char candidate[PATH_MAX];
    const char *p = path;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t) (colon - p) : strlen(p);
        snprintf(candidate, sizeof candidate, "%.*s/%s", (int) n, n ? p : ".", args[0]);
        execve(candidate, args, envs);
        if (errno == EACCES)
            saw_eacces = 1;
        p += n;
        if (*p == ':')
            p++;
    }
    if (saw_eacces)
        fail(126, "exec: \"%s\": permission denied", args[0]);
    fail(127, "exec: \"%s\": executable file not found in $PATH", args[0]);
}
