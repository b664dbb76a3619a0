/* The standard streams of the container's process: a pty, or pipes to the shim; and fd passing. */
#ifndef BERTH_CONSOLE_H
#define BERTH_CONSOLE_H

#include "container.h"

/* Passes a file descriptor over a unix socket: 0, or -1. */
int send_fd(int sock, int fd);
/* The file descriptor passed over a unix socket, or -1. */
int recv_fd(int sock);

/* In the child: its standard streams, the terminal (bound on /dev/console if bind_console) or pipes. */
void setup_stdio(struct child_args *a, int bind_console);

#endif
