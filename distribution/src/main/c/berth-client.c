/*
 * bin/berth. `berth`, `berth daemon`, `berth console` and `berth --root ...` / `--run-root ...` start
 * the daemon: this program execs libexec/berth-daemon (the script that starts the JVM) beside its
 * own directory. `berth COMMAND ARGS...` is a client: it connects to the Berth daemon's control
 * socket, sends the command line, the working directory and what it knows of the terminal, then
 * relays: the daemon's stdout and stderr to ours, our stdin to the daemon once the command reads
 * it, window size changes, and Ctrl-C. It exits with the command's exit status.
 *
 * It is C so that a command costs a millisecond or two, not a JVM start (nor a shell's). The
 * framing is described in libs/control/.../Frames.java: a type byte, a 32-bit big-endian
 * length, the payload.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#ifndef BERTH_VERSION
#define BERTH_VERSION "unknown"
#endif

#define DEFAULT_HOST "unix:///run/berth/berth.sock"
#define PROTOCOL_VERSION 2

extern char **environ;
#define MAX_PAYLOAD (1 << 20)
/* How much of our stdin goes in one frame. */
#define STDIN_CHUNK 65536

static struct termios saved_termios;
static int raw_mode;
static int signal_pipe[2] = {-1, -1};

static void restore_terminal(void)
{
    if (raw_mode) {
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
        raw_mode = 0;
    }
}

static void on_signal(int sig)
{
    int saved_errno = errno;
    unsigned char s = (unsigned char) sig;
    if (write(signal_pipe[1], &s, 1) < 0) {
        /* The pipe is full: the signal is already pending there. */
    }
    errno = saved_errno;
}

static int write_all(int fd, const void *buf, size_t len, int is_socket)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = is_socket ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

static int send_frame(int fd, char type, const void *payload, uint32_t len)
{
    unsigned char header[5];
    uint32_t be = htonl(len);
    header[0] = (unsigned char) type;
    memcpy(header + 1, &be, 4);
    if (write_all(fd, header, 5, 1) < 0)
        return -1;
    return len == 0 ? 0 : write_all(fd, payload, len, 1);
}

/*
 * Frames to the daemon once the command runs: queued, and sent without blocking by the loop, so
 * that the daemon's output is read while it takes our input at its own pace. Input is read only
 * when the queue is empty; control frames (resize, signals) go after what is queued.
 */
static unsigned char out_queue[STDIN_CHUNK + 5 + 4096];
static size_t out_len, out_off;

static void queue_frame(char type, const void *payload, uint32_t len)
{
    if (sizeof out_queue - out_len < 5 + (size_t) len)
        return; /* A flood of resizes: the later ones will say the same. */
    uint32_t be = htonl(len);
    out_queue[out_len] = (unsigned char) type;
    memcpy(out_queue + out_len + 1, &be, 4);
    if (len > 0)
        memcpy(out_queue + out_len + 5, payload, len);
    out_len += 5 + (size_t) len;
}

static void window_size(unsigned short *rows, unsigned short *cols)
{
    struct winsize ws;
    *rows = *cols = 0;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) {
        *rows = ws.ws_row;
        *cols = ws.ws_col;
    }
}

static void queue_resize(void)
{
    unsigned short rows, cols;
    unsigned char p[4];
    window_size(&rows, &cols);
    p[0] = (unsigned char) (rows >> 8);
    p[1] = (unsigned char) rows;
    p[2] = (unsigned char) (cols >> 8);
    p[3] = (unsigned char) cols;
    queue_frame('W', p, 4);
}

static void set_raw_mode(int on)
{
    if (!isatty(STDIN_FILENO))
        return;
    if (on && !raw_mode) {
        struct termios raw;
        if (tcgetattr(STDIN_FILENO, &saved_termios) < 0)
            return;
        raw = saved_termios;
        cfmakeraw(&raw);
        if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0)
            raw_mode = 1;
    } else if (!on) {
        restore_terminal();
    }
}

static void usage(FILE *out, const char *self)
{
    fprintf(out,
            "\nUsage:  %s [OPTIONS] COMMAND\n\n"
            "A container engine in Java, running in Apache Felix\n\n"
            "Options:\n"
            "  -H, --host string   Daemon socket to connect to (default %s, or $BERTH_HOST)\n"
            "  -v, --version       Print version information and quit\n\n"
            "With no COMMAND, %s starts the daemon with a console; '%s daemon' starts it without one.\n"
            "Run '%s help' with a daemon running for the list of commands.\n",
            self, DEFAULT_HOST, self, self, self);
}

/* Whether these arguments start the daemon rather than run a command in one. */
static int starts_daemon(int argc, char **argv)
{
    if (argc < 2)
        return 1;
    const char *a = argv[1];
    return strcmp(a, "daemon") == 0 || strcmp(a, "console") == 0 || strcmp(a, "--root") == 0
           || strncmp(a, "--root=", 7) == 0 || strcmp(a, "--run-root") == 0 || strncmp(a, "--run-root=", 11) == 0;
}

/* Execs libexec/berth-daemon of the distribution this program is the bin/berth of (symbolic links
   to it resolved); returns only on failure. */
static int exec_daemon(char **argv, const char *self)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || (size_t) n >= sizeof exe - 1) {
        fprintf(stderr, "%s: cannot find the distribution: /proc/self/exe: %s\n", self, n < 0 ? strerror(errno) : "too long");
        return 1;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash != NULL)
        *slash = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL) {
        fprintf(stderr, "%s: cannot find the distribution of %s\n", self, exe);
        return 1;
    }
    *slash = '\0';
    char script[4096 + 32];
    snprintf(script, sizeof script, "%s/libexec/berth-daemon", exe);
    execv(script, argv);
    fprintf(stderr, "%s: cannot start the daemon: %s: %s\n", self, script, strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
    const char *self = argc > 0 && strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1
                       : argc > 0 ? argv[0] : "berth";
    if (starts_daemon(argc, argv))
        return exec_daemon(argv, self);
    const char *host = getenv("BERTH_HOST");
    int first = 1;
    int help = 0;

    while (first < argc && argv[first][0] == '-') {
        const char *a = argv[first];
        if (strcmp(a, "-H") == 0 || strcmp(a, "--host") == 0) {
            if (first + 1 >= argc) {
                fprintf(stderr, "flag needs an argument: %s\nSee '%s --help'.\n", a, self);
                return 125;
            }
            host = argv[first + 1];
            first += 2;
        } else if (strncmp(a, "--host=", 7) == 0) {
            host = a + 7;
            first++;
        } else if (strncmp(a, "-H", 2) == 0) {
            host = a + 2;
            first++;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
            printf("Berth version %s\n", BERTH_VERSION);
            return 0;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help = 1;
            break;
        } else {
            fprintf(stderr, "unknown flag: %s\nSee '%s --help'.\n", a, self);
            return 125;
        }
    }
    if (host == NULL || host[0] == '\0')
        host = DEFAULT_HOST;
    if (strncmp(host, "unix://", 7) != 0) {
        fprintf(stderr, "%s: unsupported host '%s': only unix:///PATH is supported\n", self, host);
        return 1;
    }
    const char *path = host + 7;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) == 0 || strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "%s: invalid socket path in '%s'\n", self, host);
        return 1;
    }
    strcpy(addr.sun_path, path);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
        if (help) {
            usage(stdout, self);
            return 0;
        }
        fprintf(stderr, "Cannot connect to the Berth daemon at %s (%s). Is the daemon running? "
                        "Start one with '%s daemon', or '%s' for a console.\n",
                host, strerror(errno), self, self);
        return 1;
    }

    /* The hello: version, tty flags, window size, the number of arguments, then NUL-terminated cwd,
       TERM, the arguments and the environment (compose and run -e NAME read the caller's). */
    unsigned short rows, cols;
    window_size(&rows, &cols);
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) == NULL)
        strcpy(cwd, "/");
    const char *term = getenv("TERM") ? getenv("TERM") : "";
    size_t len = 10 + strlen(cwd) + 1 + strlen(term) + 1;
    for (int i = first; i < argc; i++)
        len += strlen(argv[i]) + 1;
    if (len > MAX_PAYLOAD) {
        fprintf(stderr, "%s: the command line is too long\n", self);
        return 1;
    }
    for (char **e = environ; *e != NULL; e++)
        len += strlen(*e) + 1;
    if (len > MAX_PAYLOAD) {
        fprintf(stderr, "%s: the command line and the environment are too long (%zu bytes, %d at most)\n", self,
                len, MAX_PAYLOAD);
        return 1;
    }
    uint32_t nargs = (uint32_t) (argc - first);
    unsigned char *hello = malloc(len);
    if (hello == NULL) {
        fprintf(stderr, "%s: out of memory\n", self);
        return 1;
    }
    size_t off = 0;
    hello[off++] = PROTOCOL_VERSION;
    hello[off++] = (unsigned char) ((isatty(STDIN_FILENO) ? 1 : 0) | (isatty(STDOUT_FILENO) ? 2 : 0)
                                    | (isatty(STDERR_FILENO) ? 4 : 0));
    hello[off++] = (unsigned char) (rows >> 8);
    hello[off++] = (unsigned char) rows;
    hello[off++] = (unsigned char) (cols >> 8);
    hello[off++] = (unsigned char) cols;
    hello[off++] = (unsigned char) (nargs >> 24);
    hello[off++] = (unsigned char) (nargs >> 16);
    hello[off++] = (unsigned char) (nargs >> 8);
    hello[off++] = (unsigned char) nargs;
    memcpy(hello + off, cwd, strlen(cwd) + 1);
    off += strlen(cwd) + 1;
    memcpy(hello + off, term, strlen(term) + 1);
    off += strlen(term) + 1;
    for (int i = first; i < argc; i++) {
        memcpy(hello + off, argv[i], strlen(argv[i]) + 1);
        off += strlen(argv[i]) + 1;
    }
    for (char **e = environ; *e != NULL; e++) {
        memcpy(hello + off, *e, strlen(*e) + 1);
        off += strlen(*e) + 1;
    }
    if (send_frame(fd, 'H', hello, (uint32_t) len) < 0) {
        fprintf(stderr, "%s: cannot talk to the daemon at %s: %s\n", self, host, strerror(errno));
        return 1;
    }
    free(hello);

    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        fprintf(stderr, "%s: pipe: %s\n", self, strerror(errno));
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sigaction(SIGWINCH, &sa, NULL);
    atexit(restore_terminal);

    int want_stdin = 0, stdin_done = 0, interrupts = 0;
    /* What the daemon sent and is not handled yet: whole frames are handled, a partial one waits. */
    size_t in_cap = MAX_PAYLOAD + 5 + 65536, in_len = 0;
    unsigned char *in = malloc(in_cap);
    if (in == NULL) {
        fprintf(stderr, "%s: out of memory\n", self);
        return 1;
    }
    for (;;) {
        struct pollfd fds[3];
        int nfds = 0;
        fds[nfds].fd = fd;
        fds[nfds++].events = POLLIN | (out_len > 0 ? POLLOUT : 0);
        fds[nfds].fd = signal_pipe[0];
        fds[nfds++].events = POLLIN;
        if (want_stdin && !stdin_done && out_len == 0) {
            fds[nfds].fd = STDIN_FILENO;
            fds[nfds++].events = POLLIN;
        }
        if (poll(fds, (nfds_t) nfds, -1) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: poll: %s\n", self, strerror(errno));
            return 1;
        }
        if (fds[1].revents & POLLIN) {
            unsigned char sig;
            while (read(signal_pipe[0], &sig, 1) == 1) {
                if (sig == SIGWINCH) {
                    queue_resize();
                } else if (interrupts++ == 0) {
                    /* First Ctrl-C: ask the daemon to interrupt the command, which then exits. */
                    queue_frame('S', &sig, 1);
                } else {
                    /* Second: give up waiting; closing the connection interrupts it as well. */
                    restore_terminal();
                    return 128 + sig;
                }
            }
        }
        if (nfds == 3 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(STDIN_FILENO, out_queue + 5, STDIN_CHUNK);
            if (n > 0) {
                uint32_t be = htonl((uint32_t) n);
                out_queue[0] = 'I';
                memcpy(out_queue + 1, &be, 4);
                out_len = (size_t) n + 5;
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                queue_frame('E', NULL, 0);
                stdin_done = 1;
            }
        }
        if (out_len > 0) {
            ssize_t n = send(fd, out_queue + out_off, out_len - out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                out_off += (size_t) n;
                if (out_off == out_len)
                    out_len = out_off = 0;
            } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                /* The daemon no longer reads: the end comes from its side. */
                out_len = out_off = 0;
                stdin_done = 1;
            }
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        ssize_t got = read(fd, in + in_len, in_cap - in_len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            restore_terminal();
            fprintf(stderr, "%s: the daemon closed the connection before the command finished\n", self);
            return 1;
        }
        in_len += (size_t) got;
        size_t at = 0;
        while (in_len - at >= 5) {
            unsigned char *frame = in + at;
            uint32_t plen;
            memcpy(&plen, frame + 1, 4);
            plen = ntohl(plen);
            if (plen > MAX_PAYLOAD) {
                restore_terminal();
                fprintf(stderr, "%s: malformed answer from the daemon\n", self);
                return 1;
            }
            if (in_len - at - 5 < plen)
                break;
            unsigned char *payload = frame + 5;
            at += 5 + plen;
            switch (frame[0]) {
            case 'O':
                if (write_all(STDOUT_FILENO, payload, plen, 0) < 0 && errno == EPIPE)
                    return 141;
                break;
            case 'R':
                write_all(STDERR_FILENO, payload, plen, 0);
                break;
            case 'G':
                want_stdin = 1;
                break;
            case 'M':
                set_raw_mode(plen == 1 && payload[0] == 1);
                break;
            case 'X': {
                uint32_t status;
                if (plen != 4) {
                    fprintf(stderr, "%s: malformed exit status from the daemon\n", self);
                    return 1;
                }
                memcpy(&status, payload, 4);
                restore_terminal();
                return (int) ntohl(status) & 0xff;
            }
            default:
                restore_terminal();
                fprintf(stderr, "%s: unexpected frame '%c' from the daemon\n", self, frame[0]);
                return 1;
            }
        }
        memmove(in, in + at, in_len - at);
        in_len -= at;
    }
}
