/* The standard streams of the container's process: a pty, or pipes to the shim; and fd passing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console.h"
#include "container.h"
#include "shim.h"

int send_fd(int sock, int fd)
{
    char byte = 'P';
    struct iovec iov = {&byte, 1};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

int recv_fd(int sock)
{
    char byte;
    struct iovec iov = {&byte, 1};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    ssize_t n;
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    struct cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (c == NULL || c->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

/* A pty of the container's own devpts: its master, and the path of its slave in name. */
static int open_pty(char *name, size_t size)
{
    int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHECK(master, "open /dev/pts/ptmx");
    int unlock = 0;
    CHECK(ioctl(master, TIOCSPTLCK, &unlock), "unlock the pty");
    int number;
    CHECK(ioctl(master, TIOCGPTN, &number), "get the pty number");
    snprintf(name, size, "/dev/pts/%d", number);
    return master;
}

/* The slave as the controlling terminal and the standard streams. */
static void take_terminal(int slave, const char *name)
{
    CHECK(setsid(), "setsid");
    CHECK(ioctl(slave, TIOCSCTTY, 0), "take %s as controlling terminal", name);
    CHECK(dup2(slave, 0), "dup2 stdin");
    CHECK(dup2(slave, 1), "dup2 stdout");
    CHECK(dup2(slave, 2), "dup2 stderr");
    if (slave > 2)
        close(slave);
}

/*
 * A terminal for the container, as runc makes one: a pty of the container's own devpts, its slave
 * the controlling terminal and the standard streams of the init and bind-mounted on /dev/console,
 * its master passed to the shim.
 */
static void setup_console(int console_fd, int bind_console)
{
    char name[64];
    int master = open_pty(name, sizeof name);
    int slave = open(name, O_RDWR | O_NOCTTY);
    CHECK(slave, "open %s", name);
    if (term_rows > 0 && term_cols > 0) {
        struct winsize ws = {term_rows, term_cols, 0, 0};
        CHECK(ioctl(slave, TIOCSWINSZ, &ws), "set the terminal size");
    }
    CHECK(fchown(slave, uid, (gid_t) -1), "chown %s", name);
    if (bind_console) {
        int console = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        if (console >= 0)
            close(console);
        CHECK(mount(name, "/dev/console", NULL, MS_BIND, NULL), "bind %s on /dev/console", name);
    }
    CHECK(send_fd(console_fd, master), "pass the pty to the shim");
    close(master);
    close(console_fd);
    take_terminal(slave, name);
}

/* The standard streams of a process: its terminal, or pipes to the shim and stdin or /dev/null. */
void setup_stdio(struct child_args *a, int bind_console)
{
    if (terminal) {
        setup_console(a->console_fd, bind_console);
        return;
    }
    int in = a->stdin_fd;
    if (in < 0)
        in = open("/dev/null", O_RDONLY);
    if (in < 0)
        in = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(dup2(in, 0), "dup2 stdin");
    CHECK(dup2(a->out_fd, 1), "dup2 stdout");
    CHECK(dup2(a->err_fd, 2), "dup2 stderr");
}
