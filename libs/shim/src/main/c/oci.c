/*
 * OCI mode: an OCI runtime (runc, crun) makes and starts the container ("run --detach") or the
 * process ("exec --detach --process PROCESS.json"), the shim being the subreaper that inherits it,
 * so that it stays the parent of the container's process as in native mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "console.h"
#include "oci.h"
#include "shim.h"
#include "utils.h"

/*
 * Runs the OCI runtime with the given arguments after "RUNTIME --root ROOT [OPTIONS]", its stdio
 * as given, in the spec's network namespace if it names one, in a private mount namespace where
 * the unified hierarchy's cgroup.controllers reads empty when asked (crun refuses hybrid hosts
 * whose unified hierarchy lists controllers; Berth made the cgroups, so the runtime may treat the
 * host as v1). In_cgroups: started in the spec's cgroups, which the container's process then
 * inherits (see cgroups.h). Returns the runtime's pid.
 */
static pid_t oci_spawn(const char **extra, int in_fd, int out_fd, int err_fd, int in_cgroups)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = oci_runtime;
    argv[n++] = "--root";
    argv[n++] = oci_root;
    for (int i = 0; i < noci_options; i++)
        argv[n++] = oci_options[i];
    for (int i = 0; extra[i] != NULL && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    int born_in = -1;
    pid_t p = in_cgroups ? fork_into_cgroup2(&born_in) : fork();
    if (p != 0)
        return p;
    int devnull = open("/dev/null", O_RDWR);
    /*
     * No input: an empty pipe, not the host's /dev/null. The container's process inherits it, and
     * crun chowns a process's standard streams to its user, device nodes too (until its fix for
     * containers/crun#1845; Debian 12's crun 1.8 has it): the host's /dev/null would become the
     * container user's.
     */
    int empty[2];
    if (in_fd < 0 && pipe(empty) == 0) {
        close(empty[1]);
        in_fd = empty[0];
    }
    dup2(in_fd >= 0 ? in_fd : devnull, 0);
    dup2(out_fd >= 0 ? out_fd : devnull, 1);
    dup2(err_fd >= 0 ? err_fd : devnull, 2);
    const char *refused = in_cgroups ? join_cgroups_itself(born_in) : NULL;
    if (refused != NULL) {
        fprintf(stderr, "join cgroup %s for %s: %s\n", refused, oci_runtime, strerror(errno));
        _exit(1);
    }
    /*
     * A container with a user namespace inherits the engine's network namespace from the runtime
     * (see OciConfig.inheritsNetns), and a process added to it, the container's.
     */
    int fd = netns != NULL ? open(netns, O_RDONLY | O_CLOEXEC) : -1;
    if (netns != NULL && (fd < 0 || setns(fd, CLONE_NEWNET) < 0)) {
        fprintf(stderr, "join the network namespace %s for %s: %s\n", netns, oci_runtime, strerror(errno));
        _exit(1);
    }
    if (oci_empty != NULL) {
        /* Only the unified hierarchy's mount is made private: the rest keeps propagating to and from
         * the host, as bind mounts with shared or slave propagation need. */
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/sys/fs/cgroup/unified", NULL, MS_PRIVATE, NULL) < 0
                || mount(oci_empty, "/sys/fs/cgroup/unified/cgroup.controllers", NULL, MS_BIND, NULL) < 0) {
            fprintf(stderr, "hide the unified hierarchy's controllers from %s: %s\n", oci_runtime, strerror(errno));
            _exit(1);
        }
    }
    /* The runtime starts as from a clean shell, not with the shim's or the engine's signals. */
    if (reset_signals() < 0) {
        fprintf(stderr, "reset the signal dispositions and mask for %s: %s\n", oci_runtime, strerror(errno));
        _exit(1);
    }
    execv(oci_runtime, (char **) argv);
    fprintf(stderr, "exec %s: %s\n", oci_runtime, strerror(errno));
    _exit(127);
}

/* Waits for a runtime process; its exit status, or -1. */
static int oci_wait(pid_t p)
{
    int status;
    pid_t r;
    do {
        r = waitpid(p, &status, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* What a failed runtime wrote, up to the size of msg, on one line. */
static void oci_message(int fd, char *msg, size_t size)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    ssize_t m = read(fd, msg, size - 1);
    msg[m > 0 ? m : 0] = 0;
    for (char *c = msg; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    size_t len = strlen(msg);
    while (len > 0 && msg[len - 1] == ' ')
        msg[--len] = 0;
}

/* With a terminal: the socket the runtime sends the pty master over; -1 after replying the error. */
static int listen_on_console_socket(const char *console)
{
    unlink(console);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(console) >= sizeof addr.sun_path) {
        reply(1, "error 1 console socket path %s is too long\n", console);
        return -1;
    }
    memcpy(addr.sun_path, console, strlen(console) + 1);
    if (listener < 0 || bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(listener, 1) < 0) {
        reply(1, "error 1 console socket %s: %s\n", console, strerror(errno));
        return -1;
    }
    return listener;
}

/*
 * Takes the pty master (into pty_master) that the runtime sends, for up to 30 s while the runtime
 * runs. Returns the runtime's pid, or -1 when it ended (and was reaped) first.
 */
static pid_t receive_console(int listener, const char *console, pid_t runtime)
{
    struct pollfd pfd = {listener, POLLIN, 0};
    int got = 0;
    for (int waited = 0; waited < 300 && !got; waited++) {
        if (poll(&pfd, 1, 100) > 0) {
            int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                pty_master = recv_fd(c);
                close(c);
                got = 1;
            }
        } else if (waitpid(runtime, NULL, WNOHANG) == runtime) {
            runtime = -1;
            break;
        }
    }
    close(listener);
    unlink(console);
    return runtime;
}

/* Replies the failure of "RUNTIME action" with what it wrote on err_read. */
static void reply_failure(const char *action, int err_read)
{
    char msg[1000];
    oci_message(err_read, msg, sizeof msg);
    /* As docker: 127 for a command that is not there, 126 for one that cannot be run. */
    int status = strstr(msg, "not found") || strstr(msg, "no such file") || strstr(msg, "No such file") ? 127
               : strstr(msg, "ermission denied") ? 126 : 1;
    reply(1, "error %d %s %s: %s\n", status, oci_runtime, action, msg[0] ? msg : "failed");
}

/* The pid the runtime wrote; -1 after replying the error. */
static pid_t read_pid_file(const char *pidfile)
{
    size_t len;
    char *pid = read_file(pidfile, &len);
    if (pid == NULL) {
        reply(1, "error 1 %s wrote no pid file\n", oci_runtime);
        return -1;
    }
    pid[len < 31 ? len : 31] = 0;
    pid_t child = (pid_t) atoi(pid);
    free(pid);
    return child;
}

/*
 * Has the runtime make and start the container (run --detach) or the process (exec --detach),
 * with the shim as the subreaper that inherits it. With a terminal the runtime hands the pty
 * master over the console socket. Returns the pid of the container's process, or -1 after
 * replying the error.
 *
 * One invocation, not create then start: the runtime's every start costs (runc, a Go program,
 * 5-20 ms here), and the engine has nothing to do between the two that needs the process held
 * (its network namespace is made before, and an attachment takes output from the shim, which
 * reads none until the engine's "start": what the process writes first waits in its pipe or pty).
 */
static pid_t oci_launch(int in_fd, int out_fd, int err_fd, int err_read)
{
    char pidfile[PATH_MAX], console[PATH_MAX];
    snprintf(pidfile, sizeof pidfile, "%s/oci.pid", state_dir);
    snprintf(console, sizeof console, "%s/console.sock", state_dir);
    unlink(pidfile);
    int listener = -1;
    if (terminal && (listener = listen_on_console_socket(console)) < 0)
        return -1;
    const char *args_create[] = {"run", "--detach", "--bundle", oci_path, "--pid-file", pidfile,
                                 terminal ? "--console-socket" : NULL, console, NULL, NULL};
    const char *args_exec[] = {"exec", "--detach", "--process", oci_path, "--pid-file", pidfile,
                               terminal ? "--console-socket" : NULL, console, NULL, NULL};
    const char **extra = !strcmp(oci_mode, "exec") ? args_exec : args_create;
    /* The id goes last, in place of the console options when there is no terminal. */
    int last = 0;
    while (extra[last] != NULL)
        last++;
    extra[last] = oci_id;
    extra[last + 1] = NULL;
    pid_t runtime = oci_spawn(extra, in_fd, out_fd, err_fd, ncgroups > 0);
    if (runtime < 0) {
        reply(1, "error 1 fork: %s\n", strerror(errno));
        return -1;
    }
    if (terminal)
        runtime = receive_console(listener, console, runtime);
    int code = runtime > 0 ? oci_wait(runtime) : 1;
    if (code != 0) {
        reply_failure(extra[0], err_read);
        return -1;
    }
    if (terminal && pty_master < 0) {
        reply(1, "error 1 %s sent no terminal\n", oci_runtime);
        return -1;
    }
    return read_pid_file(pidfile);
}

pid_t oci_create(struct pipes *p)
{
    /* An OCI runtime makes the container; the shim inherits its process as the subreaper. */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    /* The native child's pipes are not used; the runtime passes the pty over a socket of its own. */
    close(p->to_child[0]);
    close(p->from_child[1]);
    close(p->errors[1]);
    if (p->console[0] >= 0) {
        close(p->console[0]);
        close(p->console[1]);
        p->console[0] = p->console[1] = -1;
    }
    /* The runtime's stderr is the container's: what it says when it fails is read from there. */
    pid_t child = oci_launch(p->in[0], p->out[1], p->err[1], p->err[0]);
    if (child < 0)
        return -1;
    close(p->out[1]);
    close(p->err[1]);
    if (p->in[0] >= 0)
        close(p->in[0]);
    close(p->errors[0]);
    p->errors[0] = -1;
    return child;
}

/*
 * berth-shim delete RUNTIME ROOT ID [EMPTY]: has the runtime forget a stopped container ("delete
 * --force"), in the same private view of the unified hierarchy as the runtime had when it made it
 * (EMPTY: the empty file to cover cgroup.controllers with; crun checks the cgroup mode on delete
 * too). What the runtime says goes to the shim's stderr; returns the runtime's exit status.
 */
int oci_delete(char **argv, int argc)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: berth-shim delete RUNTIME ROOT ID [EMPTY]\n");
        return 2;
    }
    oci_runtime = argv[0];
    oci_root = argv[1];
    oci_empty = argc == 4 && argv[3][0] ? argv[3] : NULL;
    const char *extra[] = {"delete", "--force", argv[2], NULL};
    pid_t p = oci_spawn(extra, -1, 2, 2, 0);
    if (p < 0) {
        fprintf(stderr, "fork: %s\n", strerror(errno));
        return 1;
    }
    return oci_wait(p);
}
