/*
 * The shim's server, a poll loop over the container's output, its input, SIGCHLD and the clients
 * of STATE_DIR/shim.sock.
 *
 * A client sends command lines:
 *   wait             the exit frame when the container exits
 *   attach           output frames from now on, and the exit frame
 *   state            a state frame: "running" or "exited CODE"
 *   stdin            a 'K' frame, then all it sends is the container's input (one client at a time;
 *                    'F' and the end if another has it or the input is closed)
 *   resize ROWS COLS the terminal's size
 *   kill SIGNAL      the signal to the process, if it has not exited (an exec's probe that timed out)
 * and receives frames: a type byte, a 32-bit big-endian length, the data. Types: 'O' stdout,
 * 'E' stderr, 'X' exit (the status, 32-bit big-endian), 'S' state, 'K' ok, 'F' failure (a message).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "log.h"
#include "shim.h"
#include "utils.h"

struct client {
    int fd;
    int attached; /* receives output frames */
    int waiting;  /* receives the exit frame */
    int stdin_mode; /* what follows its "stdin" line is the container's input */
    char line[256];
    size_t len;
};

int stdin_target = -1;
int pty_master = -1;
/* Input read from the stdin client, not yet taken by the container. */
static char in_buf[65536];
static size_t in_len;
static int close_stdin_when_drained;
static struct client *stdin_client;

static struct client clients[MAX_CLIENTS];
static int listener = -1;

static int exited = 0, exit_code = 0;
/* The process served, once serve_until_exit runs; until it is reaped, its pid cannot be another's. */
static pid_t served = -1;

/*
 * How long the output is still read once the process exited, in ms. A child it left running
 * ("sh -c 'sleep 25 & echo started'") holds the output pipe (or the pty's slave) it inherited, so
 * the end of the output comes only when that child ends, and the exit, reported after the output,
 * would wait for it. Docker does not: once a container's or an exec's process exited, the daemon
 * gives the copy of its streams 2 s to finish, then closes them and reports the exit, the child
 * running on (daemon/monitor.go, StreamConfig.Wait with a 2 s timeout; containerd's shim waits
 * as long for an exec's I/O). The shim does the same. What the streams held when the exit was
 * seen is read in any case (struct stream's owed): the process wrote it before it exited.
 */
#define DRAIN_AFTER_EXIT_MS 2000

/* ------------------------------------------------------------------ frames and output */

static void send_frame(struct client *c, char type, const void *data, uint32_t len)
{
    unsigned char header[5];
    header[0] = (unsigned char) type;
    header[1] = (unsigned char) (len >> 24);
    header[2] = (unsigned char) (len >> 16);
    header[3] = (unsigned char) (len >> 8);
    header[4] = (unsigned char) len;
    if (send(c->fd, header, 5, MSG_NOSIGNAL) != 5 || (len && send(c->fd, data, len, MSG_NOSIGNAL) != (ssize_t) len)) {
        close(c->fd);
        c->fd = -1;
    }
}

struct stream {
    const char *name;
    char frame_type;
    int fd;
    char buf[LINE_MAX_BYTES];
    size_t len;
    size_t owed; /* bytes it held when the process exited, still to read whatever the drain time */
};

/* The end of a stream, its own or the drain's: the partial line it left goes to the log. */
static void close_stream(struct stream *s)
{
    if (s->len > 0)
        log_line(s->name, s->buf, s->len);
    log_flush();
    s->len = 0;
    s->owed = 0;
    close(s->fd);
    s->fd = -1;
}

/* Reads what a container stream has, sends it to attached clients, logs it line by line. */
static void pump(struct stream *s)
{
    char data[65536];
    ssize_t n = read(s->fd, data, sizeof data);
    if (n <= 0) {
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        close_stream(s);
        return;
    }
    s->owed = (size_t) n < s->owed ? s->owed - (size_t) n : 0;
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].fd >= 0 && clients[i].attached)
            send_frame(&clients[i], s->frame_type, data, (uint32_t) n);
    /* Whole lines go to the log; a partial one waits in s->buf for its end (or until it fills). */
    const char *p = data, *end = data + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        size_t take = nl != NULL ? (size_t) (nl - p) + 1 : (size_t) (end - p);
        size_t room = sizeof s->buf - s->len;
        if (take > room)
            take = room;
        int complete = take == room || (nl != NULL && p + take == nl + 1);
        if (s->len == 0 && complete) {
            log_line(s->name, p, take);
        } else {
            memcpy(s->buf + s->len, p, take);
            s->len += take;
            if (complete) {
                log_line(s->name, s->buf, s->len);
                s->len = 0;
            }
        }
        p += take;
    }
    log_flush();
}

/* ------------------------------------------------------------------ the container's input */

static void close_stdin(void)
{
    if (stdin_target >= 0 && stdin_target != pty_master)
        close(stdin_target);
    if (stdin_target != pty_master)
        stdin_target = -1;
    close_stdin_when_drained = 0;
}

/* Takes what a stdin client sent; its end closes the container's stdin when stdin_once says so. */
static void stdin_data(struct client *c, const char *data, ssize_t n)
{
    if (n <= 0) {
        if (stdin_once) {
            if (in_len == 0)
                close_stdin();
            else
                close_stdin_when_drained = 1;
        }
        stdin_client = NULL;
        close(c->fd);
        c->fd = -1;
        return;
    }
    size_t room = sizeof in_buf - in_len;
    size_t take = (size_t) n < room ? (size_t) n : room; /* read at most what fits, see the loop */
    memcpy(in_buf + in_len, data, take);
    in_len += take;
}

static void flush_stdin(void)
{
    if (stdin_target < 0) {
        in_len = 0;
        return;
    }
    ssize_t n = write(stdin_target, in_buf, in_len);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        /* Nobody reads the container's stdin any more. */
        in_len = 0;
        close_stdin();
        return;
    }
    memmove(in_buf, in_buf + n, in_len - (size_t) n);
    in_len -= (size_t) n;
    if (in_len == 0 && close_stdin_when_drained)
        close_stdin();
}

/* ------------------------------------------------------------------ clients */

static void resize(const char *size)
{
    unsigned rows = 0, cols = 0;
    if (pty_master >= 0 && sscanf(size, "%u %u", &rows, &cols) == 2 && rows > 0 && cols > 0) {
        struct winsize ws = {(unsigned short) rows, (unsigned short) cols, 0, 0};
        ioctl(pty_master, TIOCSWINSZ, &ws);
    }
}

static void take_stdin(struct client *c)
{
    if (stdin_client != NULL || stdin_target < 0) {
        send_frame(c, 'F', stdin_target < 0 ? "the container's stdin is closed" : "stdin is attached to another client",
                   stdin_target < 0 ? 31 : 35);
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        return;
    }
    c->stdin_mode = 1;
    stdin_client = c;
    send_frame(c, 'K', NULL, 0);
}

static void signal_process(const char *number)
{
    int sig = atoi(number);
    if (!exited && served > 0 && sig > 0 && sig < 65)
        kill(served, sig);
}

static void handle_command(struct client *c)
{
    if (!strncmp(c->line, "resize ", 7)) {
        resize(c->line + 7);
        return;
    } else if (!strncmp(c->line, "kill ", 5)) {
        signal_process(c->line + 5);
        return;
    } else if (!strcmp(c->line, "stdin")) {
        take_stdin(c);
        return;
    } else if (!strcmp(c->line, "wait")) {
        c->waiting = 1;
    } else if (!strcmp(c->line, "attach")) {
        c->attached = 1;
        c->waiting = 1;
    } else if (!strcmp(c->line, "state")) {
        char out[64];
        int n = snprintf(out, sizeof out, exited ? "exited %d" : "running", exit_code);
        send_frame(c, 'S', out, (uint32_t) n);
    } else {
        send_frame(c, 'F', "unknown command", 15);
        close(c->fd);
        c->fd = -1;
        return;
    }
    if (c->waiting && exited) {
        unsigned char code[4] = {0, 0, 0, (unsigned char) exit_code};
        send_frame(c, 'X', code, 4);
    }
}

static void read_client(struct client *c)
{
    char buf[4096];
    if (c->stdin_mode) {
        ssize_t n = read(c->fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        stdin_data(c, buf, n);
        return;
    }
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n <= 0) {
        close(c->fd);
        c->fd = -1;
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        if (c->stdin_mode) {
            /* The rest came with the "stdin" line. */
            stdin_data(c, buf + i, n - i);
            return;
        }
        if (buf[i] == '\n') {
            c->line[c->len] = 0;
            handle_command(c);
            c->len = 0;
            if (c->fd < 0)
                return;
        } else if (c->len < sizeof c->line - 1) {
            c->line[c->len++] = buf[i];
        }
    }
}

/* Takes the new clients, reading at once what each already sent. */
static void accept_clients(void)
{
    int fd;
    while ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
        int slot = -1;
        for (int i = 0; i < MAX_CLIENTS; i++)
            if (clients[i].fd < 0) {
                slot = i;
                break;
            }
        if (slot < 0) {
            close(fd);
            continue;
        }
        memset(&clients[slot], 0, sizeof clients[slot]);
        clients[slot].fd = fd;
        struct pollfd first = {fd, POLLIN, 0};
        if (poll(&first, 1, 0) > 0)
            read_client(&clients[slot]);
    }
}

static void socket_path(char *out, size_t size)
{
    snprintf(out, size, "%s/shim.sock", state_dir);
}

void listen_for_clients(void)
{
    for (int i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;
    char sock_path[PATH_MAX];
    socket_path(sock_path, sizeof sock_path);
    unlink(sock_path);
    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(sock_path) >= sizeof addr.sun_path)
        die("socket path %s is too long", sock_path);
    memcpy(addr.sun_path, sock_path, strlen(sock_path) + 1);
    if (listener < 0 || bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(listener, 16) < 0)
        listener = -1;
    chmod(sock_path, 0600);
}

void tell_exit(void)
{
    unsigned char code[4] = {(unsigned char) (exit_code >> 24), (unsigned char) (exit_code >> 16),
                             (unsigned char) (exit_code >> 8), (unsigned char) exit_code};
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].fd >= 0) {
            if (clients[i].waiting)
                send_frame(&clients[i], 'X', code, 4);
            if (clients[i].fd >= 0)
                close(clients[i].fd);
        }
    }
}

void stop_listening(void)
{
    if (listener >= 0) {
        close(listener);
        char sock_path[PATH_MAX];
        socket_path(sock_path, sizeof sock_path);
        unlink(sock_path);
    }
}

/* ------------------------------------------------------------------ the loop */

/* What the loop polls, in this order; then the clients. */
enum { POLL_SIGNALS, POLL_STDOUT, POLL_STDERR, POLL_LISTENER, POLL_STDIN, POLL_CLIENTS };

static int fill_pollfds(struct pollfd *fds, int sigfd, struct stream *streams)
{
    int nfds = 0;
    fds[nfds].fd = sigfd;
    fds[nfds++].events = POLLIN;
    fds[nfds].fd = streams[0].fd;
    fds[nfds++].events = POLLIN;
    fds[nfds].fd = streams[1].fd;
    fds[nfds++].events = POLLIN;
    fds[nfds].fd = listener;
    fds[nfds++].events = POLLIN;
    fds[nfds].fd = in_len > 0 ? stdin_target : -1;
    fds[nfds++].events = POLLOUT;
    for (int i = 0; i < MAX_CLIENTS; i++) {
        /* The stdin client waits while the container has not taken what it sent. */
        fds[nfds].fd = clients[i].stdin_mode && in_len > 0 ? -1 : clients[i].fd;
        fds[nfds++].events = POLLIN;
    }
    return nfds;
}

/* Reaps what exited: the container's process, and in OCI mode orphans the shim adopted as their subreaper. */
static void reap(int sigfd, pid_t child)
{
    struct signalfd_siginfo si;
    while (read(sigfd, &si, sizeof si) == sizeof si) {
    }
    int status = 0;
    pid_t p;
    while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
        if (p == child) {
            exited = 1;
            exit_code = WIFEXITED(status) ? WEXITSTATUS(status)
                      : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
        }
    }
}

/* ------------------------------------------------------------------ the drain after the exit */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The process just exited: what its streams hold now was written before, by it or its children,
 * and is owed to the clients and the log however long reading it takes (a slow client blocks the
 * loop in send_frame). Returns when the drain time ends.
 */
static long long start_drain(struct stream *streams)
{
    for (int i = 0; i < 2; i++) {
        int pending = 0;
        if (streams[i].fd >= 0 && ioctl(streams[i].fd, FIONREAD, &pending) == 0 && pending > 0)
            streams[i].owed = (size_t) pending;
    }
    return now_ms() + DRAIN_AFTER_EXIT_MS;
}

/*
 * Once the drain time is over, the streams that owe nothing are closed: only a child the process
 * left running still holds them, and what it writes next gets EPIPE (or SIGPIPE), as with docker.
 * Returns the poll timeout until then (-1 after it: only owed bytes are waited for, and they are there).
 */
static int drain(struct stream *streams, long long drain_end)
{
    long long left = drain_end - now_ms();
    if (left > 0)
        return (int) left;
    for (int i = 0; i < 2; i++)
        if (streams[i].fd >= 0 && streams[i].owed == 0)
            close_stream(&streams[i]);
    return -1;
}

int serve_until_exit(pid_t child, int sigfd, int out_fd, int err_fd)
{
    struct stream streams[2] = {{"stdout", 'O', out_fd, {0}, 0, 0}, {"stderr", 'E', err_fd, {0}, 0, 0}};
    long long drain_end = 0;
    served = child;
    for (;;) {
        int timeout = exited ? drain(streams, drain_end) : -1;
        struct pollfd fds[POLL_CLIENTS + MAX_CLIENTS];
        int nfds = fill_pollfds(fds, sigfd, streams);
        if (exited && streams[0].fd < 0 && streams[1].fd < 0)
            break;
        if (poll(fds, (nfds_t) nfds, timeout) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        /* Clients first: one that attached before output arrived gets all of it. */
        if (fds[POLL_LISTENER].revents & POLLIN)
            accept_clients();
        for (int i = 0; i < MAX_CLIENTS; i++)
            if (clients[i].fd >= 0 && fds[POLL_CLIENTS + i].fd == clients[i].fd && fds[POLL_CLIENTS + i].revents)
                read_client(&clients[i]);
        if (in_len > 0)
            flush_stdin();
        if (fds[POLL_STDOUT].revents)
            pump(&streams[0]);
        if (fds[POLL_STDERR].revents)
            pump(&streams[1]);
        if (fds[POLL_SIGNALS].revents & POLLIN) {
            int was_running = !exited;
            reap(sigfd, child);
            if (was_running && exited)
                drain_end = start_drain(streams);
        }
    }
    return exit_code;
}
