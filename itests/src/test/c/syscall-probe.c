/*
 * Tries system calls that docker's default seccomp profile denies and some it allows, each in a
 * child of its own (so that what one changes, a persona or a namespace, touches nothing else), with
 * arguments that make it fail harmlessly when it is allowed. Prints one line per call: its name and
 * "ok" or the errno it failed with; then the Seccomp line of /proc/self/status. Built static by the
 * itests' build and copied into a test image by SeccompIT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long call(const char *name)
{
    if (!strcmp(name, "getpid")) return syscall(SYS_getpid);
    if (!strcmp(name, "mkdir")) return syscall(SYS_mkdir, "/tmp/probe-dir", 0755);
    if (!strcmp(name, "socket-unix")) return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
    if (!strcmp(name, "socket-vsock")) return syscall(SYS_socket, 40, SOCK_STREAM, 0);
    if (!strcmp(name, "unshare-user")) return syscall(SYS_unshare, CLONE_NEWUSER);
    if (!strcmp(name, "clone-newuser")) return syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (!strcmp(name, "clone3")) return syscall(SYS_clone3, NULL, 0);
    if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, 0, -3, 0);
    if (!strcmp(name, "add_key")) return syscall(SYS_add_key, NULL, NULL, NULL, 0, 0);
    if (!strcmp(name, "request_key")) return syscall(SYS_request_key, NULL, NULL, NULL, 0);
    if (!strcmp(name, "bpf")) return syscall(SYS_bpf, -1, NULL, 0);
    if (!strcmp(name, "userfaultfd")) return syscall(SYS_userfaultfd, -1);
    if (!strcmp(name, "perf_event_open")) return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
    if (!strcmp(name, "open_by_handle_at")) return syscall(SYS_open_by_handle_at, -1, NULL, 0);
    if (!strcmp(name, "name_to_handle_at")) return syscall(SYS_name_to_handle_at, -1, NULL, NULL, NULL, 0);
    if (!strcmp(name, "mount")) return syscall(SYS_mount, NULL, NULL, NULL, 0, NULL);
    if (!strcmp(name, "umount2")) return syscall(SYS_umount2, NULL, 0);
    if (!strcmp(name, "pivot_root")) return syscall(SYS_pivot_root, NULL, NULL);
    if (!strcmp(name, "setns")) return syscall(SYS_setns, -1, 0);
    if (!strcmp(name, "swapon")) return syscall(SYS_swapon, NULL, 0);
    if (!strcmp(name, "reboot")) return syscall(SYS_reboot, 0, 0, 0, NULL);
    if (!strcmp(name, "init_module")) return syscall(SYS_init_module, NULL, 0, NULL);
    if (!strcmp(name, "delete_module")) return syscall(SYS_delete_module, NULL, 0);
    if (!strcmp(name, "kexec_load")) return syscall(SYS_kexec_load, 0, 0, NULL, 0);
    if (!strcmp(name, "personality-linux")) return syscall(SYS_personality, 0);
    if (!strcmp(name, "personality-other")) return syscall(SYS_personality, 0xffff);
    if (!strcmp(name, "settimeofday")) return syscall(SYS_settimeofday, NULL, NULL);
    if (!strcmp(name, "clock_settime")) return syscall(SYS_clock_settime, -1, NULL);
    if (!strcmp(name, "iopl")) return syscall(SYS_iopl, 0);
    if (!strcmp(name, "get_mempolicy")) return syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0);
    if (!strcmp(name, "kcmp")) return syscall(SYS_kcmp, getpid(), getpid(), -1, 0, 0);
    if (!strcmp(name, "ptrace")) return syscall(SYS_ptrace, -1, 0, NULL, NULL);
    if (!strcmp(name, "quotactl")) return syscall(SYS_quotactl, 0, NULL, 0, NULL);
    if (!strcmp(name, "fsopen")) return syscall(SYS_fsopen, NULL, 0);
    if (!strcmp(name, "syslog")) return syscall(SYS_syslog, 10, NULL, 0);
    fprintf(stderr, "unknown probe %s\n", name);
    exit(2);
}

static const char *all[] = {"getpid", "mkdir", "socket-unix", "socket-vsock", "unshare-user", "clone-newuser", "clone3",
                            "keyctl", "add_key", "request_key", "bpf", "userfaultfd", "perf_event_open",
                            "open_by_handle_at", "name_to_handle_at", "mount", "umount2", "pivot_root", "setns",
                            "swapon", "reboot", "init_module", "delete_module", "kexec_load", "personality-linux",
                            "personality-other", "settimeofday", "clock_settime", "iopl", "get_mempolicy", "kcmp",
                            "ptrace", "quotactl", "fsopen", "syslog", NULL};

int main(int argc, char **argv)
{
    const char **names = argc > 1 ? (const char **) argv + 1 : all;
    for (int i = 0; names[i] != NULL; i++) {
        fflush(stdout);
        pid_t child = fork();
        if (child == 0) {
            long r = call(names[i]);
            _exit(r < 0 ? (errno & 0xff) : 0);
        }
        int status;
        waitpid(child, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            printf("%s ok\n", names[i]);
        else if (WIFEXITED(status))
            printf("%s errno %d\n", names[i], WEXITSTATUS(status));
        else
            printf("%s signal %d\n", names[i], WTERMSIG(status));
    }
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (!strncmp(line, "Seccomp:", 8))
            fputs(line, stdout);
    return 0;
}
