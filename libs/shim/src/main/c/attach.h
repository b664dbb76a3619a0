/*
 * The shim's server: the container's output to the log and to attached clients, its input from
 * the stdin client, and STATE_DIR/shim.sock, whose clients wait, attach, ask the state, send
 * input or resize the terminal.
 */
#ifndef BERTH_ATTACH_H
#define BERTH_ATTACH_H

#include <sys/types.h>

/* Serves STATE_DIR/shim.sock from now on, so that the engine may attach before the first output. */
void listen_for_clients(void);

/*
 * Serves the container's output (out_fd, err_fd; -1: none), input and clients until the child
 * (reaped through sigfd, a signalfd for SIGCHLD) exited and its output is drained: to its end, or,
 * when a child it left running still holds it, for at most DRAIN_AFTER_EXIT_MS (as docker). Returns
 * its exit status, as a shell has it (128 + the signal when killed).
 */
int serve_until_exit(pid_t child, int sigfd, int out_fd, int err_fd);

/* Sends the exit status to the clients that wait for it and closes all of them. */
void tell_exit(void);

/* Removes STATE_DIR/shim.sock. */
void stop_listening(void);

#endif
