/*
 * berth-shim: runs one container and stays as its parent, independent of the JVM.
 *
 * Java decides everything and writes it to STATE_DIR/spec; the shim only does what Java cannot do
 * safely: clone the namespaces, join the cgroups, mount, pivot_root, drop privileges and exec. It
 * then keeps the container's output flowing into the json-file log (with rotation), serves
 * STATE_DIR/shim.sock (wait, state, attach), and records the exit status in STATE_DIR/exit.
 *
 * Start-up, as seen by the engine (stdin and stdout of the first process are pipes from Java):
 *   berth-shim STATE_DIR
 *     -> "pid N\n"            the container's init exists (namespaces, cgroups, mounts done),
 *                             waiting (an OCI runtime's runs already, see oci.c); the engine
 *                             may attach now
 *     <- "start\n"            the engine says go
 *     -> "started\n"          the command was exec'ed, or
 *     -> "error CODE MESSAGE\n" it was not (CODE: 127 not found, 126 not executable, 1 other);
 *                             the message names the call and the errno.
 * The first process exits once the answer is given; the shim proper lives on in its own session.
 *
 *   berth-shim delete RUNTIME ROOT ID [EMPTY]   has an OCI runtime forget a stopped container (oci.c)
 *   berth-shim seccomp FILE                      compiles FILE's seccomp directives into the
 *                                                cache file they name (seccomp.c)
 *
 * The files, by concern:
 *   main.c       these steps                 spec.c     the spec (its format there)
 *   container.c  the container's init        mounts.c   the spec's mounts, masks and rlimits
 *   cgroups.c    its cgroups, clone3         process.c  credentials, capabilities, exec
 *   console.c    pty and fd passing          oci.c      containers that runc or crun make
 *   log.c        the json-file log           attach.c   shim.sock and the poll loop
 *   utils.c      small helpers               shim.h     the state the files share
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "console.h"
#include "container.h"
#include "log.h"
#include "oci.h"
#include "seccomp_filter.h"
#include "shim.h"
#include "spec.h"
#include "utils.h"

const char *state_dir;

static void read_spec(void)
{
    char spec_path[PATH_MAX];
    snprintf(spec_path, sizeof spec_path, "%s/spec", state_dir);
    parse_spec(spec_path);
    prepare_seccomp();
}

/*
 * Detaches from the engine: the first process returns once the container started or failed, told
 * by the shim proper over a pipe whose write end this returns (in the shim proper).
 */
static int detach_from_engine(void)
{
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    pid_t shim = fork();
    if (shim < 0)
        die("fork: %s", strerror(errno));
    if (shim > 0) {
        /* A different name, so that only the shim proper is reaped as an adopted orphan. */
        prctl(PR_SET_NAME, "berth-shim-p0", 0, 0, 0);
        close(ready[1]);
        char c;
        ssize_t n;
        do {
            n = read(ready[0], &c, 1);
        } while (n < 0 && errno == EINTR);
        _exit(n == 1 ? 0 : 1);
    }
    close(ready[0]);
    setsid();
    prctl(PR_SET_NAME, "berth-shim", 0, 0, 0);
    /* Blocked before the container exists, so its exit stays pending for the signalfd, however early. */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    return ready[1];
}

static void make_pipes(struct pipes *p)
{
    p->in[0] = p->in[1] = p->console[0] = p->console[1] = -1;
    if (pipe2(p->to_child, O_CLOEXEC) < 0 || pipe2(p->from_child, O_CLOEXEC) < 0 || pipe2(p->errors, O_CLOEXEC) < 0
            || pipe2(p->out, O_CLOEXEC) < 0 || pipe2(p->err, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    if (open_stdin && !terminal && pipe2(p->in, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    if (terminal && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->console) < 0)
        die("socketpair: %s", strerror(errno));
}

static pid_t create_container(struct pipes *p)
{
    return oci_runtime != NULL ? oci_create(p) : container_create(p);
}

/*
 * Hands the container's terminal to the loop: with one, the pty master is its output and input;
 * else its pipes, and the stdin pipe if it has one. 0, or -1 after replying the error.
 */
static int take_over_io(struct pipes *p, pid_t child)
{
    if (terminal) {
        if (oci_runtime == NULL) {
            pty_master = recv_fd(p->console[0]);
            close(p->console[0]);
        }
        if (pty_master < 0) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            reply(1, "error 1 the container's terminal did not come\n");
            return -1;
        }
        fcntl(pty_master, F_SETFL, fcntl(pty_master, F_GETFL) | O_NONBLOCK);
        stdin_target = pty_master;
        /* The master is the container's output, read by the loop. */
        close(p->out[0]);
        close(p->err[0]);
        p->out[0] = dup(pty_master);
        p->err[0] = -1;
    } else if (p->in[1] >= 0) {
        fcntl(p->in[1], F_SETFL, fcntl(p->in[1], F_GETFL) | O_NONBLOCK);
        stdin_target = p->in[1];
    }
    return 0;
}

/* Says the container's pid and waits for the engine's "start": 0, or -1 after killing the child. */
static int await_start(pid_t child)
{
    reply(1, "pid %d\n", child);
    char command[64];
    size_t clen = 0;
    while (clen < sizeof command - 1) {
        ssize_t n = read(0, command + clen, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || command[clen] == '\n')
            break;
        clen++;
    }
    command[clen] = 0;
    if (strcmp(command, "start") != 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        reply(1, "error 1 the engine did not confirm the start\n");
        return -1;
    }
    return 0;
}

/* An OCI runtime started the process already (see oci.c); the native init execs now. */
static int start_container(struct pipes *p, pid_t child)
{
    return oci_runtime != NULL ? 0 : container_start(p, child);
}

static void record_running(pid_t child)
{
    char pidfile[64];
    snprintf(pidfile, sizeof pidfile, "%d\n", getpid());
    write_state_file("shim.pid", pidfile);
    snprintf(pidfile, sizeof pidfile, "%d\n", child);
    write_state_file("init.pid", pidfile);
}

/*
 * SIGCHLD through a signalfd, for the loop; SIGPIPE, SIGHUP and SIGINT ignored, so that a client
 * or an engine that goes away does not end the shim.
 */
static int watch_children(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    return sigfd;
}

/* Answers "started", lets the first process exit, and lets go of the engine's pipes. */
static void let_go_of_engine(int ready)
{
    reply(1, "started\n");
    if (write(ready, "1", 1) < 0) {
        /* The first process died: nothing changes for the shim. */
    }
    close(ready);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    close(devnull);
}

/* STATE_DIR/exit: "CODE TIME\n". */
static void record_exit(int exit_code)
{
    char exit_record[128];
    char when[64];
    format_time(when, sizeof when);
    snprintf(exit_record, sizeof exit_record, "%d %s\n", exit_code, when);
    write_state_file("exit", exit_record);
}

int main(int argc, char **argv)
{
    /*
     * The helpers take other names: the engine reaps what is named berth-shim as an adopted shim,
     * and these are its own children, for the JDK to reap.
     */
    if (argc >= 2 && !strcmp(argv[1], "delete")) {
        prctl(PR_SET_NAME, "berth-shim-rm", 0, 0, 0);
        return oci_delete(argv + 2, argc - 2);
    }
    if (argc == 3 && !strcmp(argv[1], "seccomp")) {
        prctl(PR_SET_NAME, "berth-shim-bpf", 0, 0, 0);
        /* Compiles a filter into the cache its directives name, for a runtime that takes it compiled. */
        parse_directives(argv[2]);
        prepare_seccomp();
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: berth-shim STATE_DIR | delete RUNTIME ROOT ID [EMPTY] | seccomp FILE\n");
        return 2;
    }
    state_dir = argv[1];
    read_spec();
    int ready = detach_from_engine();
    struct pipes p;
    make_pipes(&p);
    open_log();
    pid_t child = create_container(&p);
    if (child < 0 || take_over_io(&p, child) < 0)
        return 1;
    /* The engine may attach now, before the container's first output. */
    listen_for_clients();
    if (await_start(child) < 0 || start_container(&p, child) < 0)
        return 1;
    /* Running. Record it, answer, and let go of the engine's pipes. */
    record_running(child);
    int sigfd = watch_children();
    let_go_of_engine(ready);
    int exit_code = serve_until_exit(child, sigfd, p.out[0], p.err[0]);
    /* The container ended and its output is drained (or cut after the drain time): record the status, tell who waits. */
    record_exit(exit_code);
    tell_exit();
    stop_listening();
    close_log();
    return 0;
}
