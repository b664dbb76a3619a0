/* The container's json-file log, as docker's json-file driver writes it, with its rotation. */
#ifndef BERTH_LOG_H
#define BERTH_LOG_H

#include <stddef.h>

/* Opens the spec's log, if it has one; without it log_line() does nothing. */
void open_log(void);
void close_log(void);

/* One line (or a piece of one, at most LINE_MAX_BYTES) of stream "stdout" or "stderr", buffered. */
void log_line(const char *stream, const char *data, size_t len);

/* Writes the buffered lines; the loop calls it before it waits again. */
void log_flush(void);

/* Now, in RFC 3339 with nanoseconds as Go's RFC3339Nano; returns the length. */
int format_time(char *out, size_t size);

#endif
