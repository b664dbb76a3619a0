/*
 * The process's seccomp filter, from the spec's seccomp directives, built with libseccomp (linked
 * statically) as runc and crun build theirs from an OCI config, and installed as the last step
 * before the process is executed (compiled once per filter, see prepare_seccomp). A rule for a system call libseccomp does not know on this
 * architecture is skipped, as runc skips it; a rule whose action is the default is redundant and
 * skipped too (libseccomp refuses it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "container.h"
#include "seccomp_filter.h"
#include "shim.h"
#include "utils.h"

static uint32_t action_of(const char *name, const char *errno_text, int default_errno)
{
    int value = atoi(errno_text);
    if (!strcmp(name, "SCMP_ACT_ALLOW"))
        return SCMP_ACT_ALLOW;
    if (!strcmp(name, "SCMP_ACT_ERRNO"))
        return SCMP_ACT_ERRNO((uint16_t) (value >= 0 ? value : default_errno));
    if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
        return SCMP_ACT_KILL_THREAD;
    if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
        return SCMP_ACT_KILL_PROCESS;
    if (!strcmp(name, "SCMP_ACT_TRAP"))
        return SCMP_ACT_TRAP;
    if (!strcmp(name, "SCMP_ACT_TRACE"))
        return SCMP_ACT_TRACE((uint16_t) (value >= 0 ? value : default_errno));
    if (!strcmp(name, "SCMP_ACT_LOG"))
        return SCMP_ACT_LOG;
    die("seccomp: unknown action %s", name);
    return 0;
}

static enum scmp_compare operator_of(const char *name)
{
    static const struct {
        const char *name;
        enum scmp_compare op;
    } ops_by_name[] = {{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
                       {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
                       {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
    for (size_t i = 0; i < sizeof ops_by_name / sizeof ops_by_name[0]; i++)
        if (!strcmp(ops_by_name[i].name, name))
            return ops_by_name[i].op;
    die("seccomp: unknown operator %s", name);
    return SCMP_CMP_EQ;
}

/*
 * seccomp-rule ACTION ERRNO SYSCALL [INDEX OP VALUE VALUE2]...: conditions on distinct arguments
 * must all hold (one rule); several on the same argument are alternatives (a rule each), as runc
 * adds them.
 */
static void add_rule(scmp_filter_ctx ctx, uint32_t default_action, const struct op *o)
{
    /* A rule without an errno fails its calls with EPERM, as runc has it (OCI's errnoRet). */
    uint32_t action = action_of(o->argv[0], o->argv[1], EPERM);
    if (action == default_action)
        return;
    int nr = seccomp_syscall_resolve_name(o->argv[2]);
    if (nr == __NR_SCMP_ERROR)
        return;
    int nconds = (o->argc - 3) / 4;
    struct scmp_arg_cmp conds[6 * 8];
    if (nconds > (int) (sizeof conds / sizeof conds[0]))
        die("seccomp: too many conditions for %s", o->argv[2]);
    int same_argument = 0;
    for (int i = 0; i < nconds; i++) {
        const char **c = (const char **) o->argv + 3 + 4 * i;
        conds[i].arg = (unsigned int) atoi(c[0]);
        conds[i].op = operator_of(c[1]);
        conds[i].datum_a = strtoull(c[2], NULL, 10);
        conds[i].datum_b = strtoull(c[3], NULL, 10);
        for (int j = 0; j < i; j++)
            if (conds[j].arg == conds[i].arg)
                same_argument = 1;
    }
    int rc;
    if (same_argument) {
        for (int i = 0; i < nconds; i++)
            if ((rc = seccomp_rule_add_array(ctx, action, nr, 1, &conds[i])) < 0)
                die("seccomp: add a rule for %s: %s", o->argv[2], strerror(-rc));
    } else if ((rc = seccomp_rule_add_array(ctx, action, nr, (unsigned int) nconds, conds)) < 0) {
        die("seccomp: add a rule for %s: %s", o->argv[2], strerror(-rc));
    }
}

/* The filter, compiled: loaded by the process as its last step, from the shim's memory (copied by clone). */
static struct sock_filter *program;
static size_t program_len; /* instructions */

/* Compiles the spec's directives with libseccomp into program. */
static void compile(const struct op *head)
{
    int default_errno = atoi(head->argv[1]);
    uint32_t default_action = action_of(head->argv[0], head->argv[1], default_errno);
    scmp_filter_ctx ctx = seccomp_init(default_action);
    if (ctx == NULL)
        die("seccomp: cannot make a filter");
    /* no_new_privs is the spec's to set (drop_privileges does, unless asked not to), not libseccomp's. */
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (rc < 0)
        die("seccomp: %s", strerror(-rc));
    for (int i = 0; i < nops; i++) {
        if (strcmp(ops[i].name, "seccomp-arch") || ops[i].argc != 1)
            continue;
        uint32_t arch = seccomp_arch_resolve_name(ops[i].argv[0]);
        if (arch == 0)
            die("seccomp: unknown architecture %s", ops[i].argv[0]);
        rc = seccomp_arch_add(ctx, arch);
        if (rc < 0 && rc != -EEXIST)
            die("seccomp: add architecture %s: %s", ops[i].argv[0], strerror(-rc));
    }
    for (int i = 0; i < nops; i++)
        if (!strcmp(ops[i].name, "seccomp-rule") && ops[i].argc >= 3)
            add_rule(ctx, default_action, &ops[i]);
    int fd = memfd_create("seccomp", MFD_CLOEXEC);
    if (fd < 0)
        die("seccomp: memfd_create: %s", strerror(errno));
    if ((rc = seccomp_export_bpf(ctx, fd)) < 0)
        die("seccomp: compile the filter: %s", strerror(-rc));
    seccomp_release(ctx);
    off_t size = lseek(fd, 0, SEEK_END);
    program = malloc((size_t) size);
    if (program == NULL || pread(fd, program, (size_t) size, 0) != size)
        die("seccomp: read the compiled filter: %s", strerror(errno));
    close(fd);
    program_len = (size_t) size / sizeof(struct sock_filter);
    if (program_len == 0 || program_len > 0xffff)
        die("seccomp: the compiled filter has %zu instructions", program_len);
}

/* Keeps the compiled filter at path for the next container with the same directives (atomically). */
static void save(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int) getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return; /* only a cache: the next container compiles again */
    size_t size = program_len * sizeof(struct sock_filter);
    if (write(fd, program, size) != (ssize_t) size || close(fd) < 0 || rename(tmp, path) < 0)
        unlink(tmp);
}

/*
 * Before the process is made: the spec's filter compiled, or taken from the cache the spec names
 * (seccomp-cache PATH, a file named by a digest of the directives), since libseccomp takes some
 * milliseconds to compile docker's profile and most containers share one filter.
 */
void prepare_seccomp(void)
{
    const struct op *head = NULL, *cache = NULL;
    for (int i = 0; i < nops; i++) {
        if (!strcmp(ops[i].name, "seccomp") && ops[i].argc == 2 && head == NULL)
            head = &ops[i];
        if (!strcmp(ops[i].name, "seccomp-cache") && ops[i].argc == 1)
            cache = &ops[i];
    }
    if (head == NULL)
        return;
    if (cache != NULL) {
        size_t len;
        char *cached = read_file(cache->argv[0], &len);
        if (cached != NULL && len > 0 && len % sizeof(struct sock_filter) == 0) {
            program = (struct sock_filter *) cached;
            program_len = len / sizeof(struct sock_filter);
            return;
        }
        free(cached);
    }
    compile(head);
    if (cache != NULL)
        save(cache->argv[0]);
}

void install_seccomp(void)
{
    if (program == NULL)
        return;
    struct sock_fprog fprog = {.len = (unsigned short) program_len, .filter = program};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0)
        fail(1, "seccomp: load the filter: %s", strerror(errno));
}
