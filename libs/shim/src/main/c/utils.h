/* Small helpers of the shim: errors, files, the answers to the engine, signals. */
#ifndef BERTH_UTILS_H
#define BERTH_UTILS_H

#include <stddef.h>

/* Ends the shim with a message on stderr, before the container exists. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* The whole content of a file, malloc'ed, and its length in *len; NULL with errno on failure. */
char *read_file(const char *path, size_t *len);

int ends_with(const char *s, const char *suffix);

/* Writes a line of the start-up protocol to the engine (fd 1 until the container runs). */
void reply(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Replaces STATE_DIR/NAME atomically. */
void write_state_file(const char *name, const char *content);

/*
 * Every signal back to its default disposition and none blocked, as a new process of a container
 * expects, whatever the shim inherited: 0, or -1 with errno.
 */
int reset_signals(void);

#endif
