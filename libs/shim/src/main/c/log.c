/*
 * The container's json-file log, as docker's json-file driver writes it: one JSON object a line,
 * {"log":"...","stream":"stdout","time":"..."}, the file rotated before it would pass log_max_size,
 * log_max_files files kept (LOG.1 the newest of the old ones), or the file emptied if only one.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "shim.h"

static int log_fd = -1;
static long long log_size;

void open_log(void)
{
    if (log_path == NULL)
        return;
    log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd < 0)
        return;
    struct stat st;
    log_size = fstat(log_fd, &st) == 0 ? st.st_size : 0;
}

void close_log(void)
{
    if (log_fd >= 0)
        close(log_fd);
}

static void rotate_log(void)
{
    close(log_fd);
    char from[PATH_MAX], to[PATH_MAX];
    if (log_max_files <= 1) {
        if (truncate(log_path, 0) < 0) {
            /* Keep writing to the file as it is. */
        }
    } else {
        snprintf(to, sizeof to, "%s.%d", log_path, log_max_files - 1);
        unlink(to);
        for (int i = log_max_files - 2; i >= 1; i--) {
            snprintf(from, sizeof from, "%s.%d", log_path, i);
            snprintf(to, sizeof to, "%s.%d", log_path, i + 1);
            rename(from, to);
        }
        snprintf(to, sizeof to, "%s.1", log_path);
        rename(log_path, to);
    }
    open_log();
}

/* RFC 3339 with nanoseconds, trailing zeros dropped, as Go's RFC3339Nano. */
int format_time(char *out, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    int n = (int) strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
    if (ts.tv_nsec != 0) {
        char frac[16];
        snprintf(frac, sizeof frac, ".%09ld", ts.tv_nsec);
        int end = (int) strlen(frac);
        while (end > 1 && frac[end - 1] == '0')
            end--;
        frac[end] = 0;
        n += snprintf(out + n, size - (size_t) n, "%s", frac);
    }
    n += snprintf(out + n, size - (size_t) n, "Z");
    return n;
}

/* The bytes of a line as the content of a JSON string, with <, > and & escaped as Go has them; returns the length. */
static size_t escape_json(char *out, size_t size, const char *data, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) data[i];
        switch (c) {
        case '"': out[n++] = '\\'; out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; out[n++] = '\\'; break;
        case '\n': out[n++] = '\\'; out[n++] = 'n'; break;
        case '\r': out[n++] = '\\'; out[n++] = 'r'; break;
        case '\t': out[n++] = '\\'; out[n++] = 't'; break;
        case '<': case '>': case '&':
            n += (size_t) snprintf(out + n, size - n, "\\u%04x", c);
            break;
        default:
            if (c < 0x20)
                n += (size_t) snprintf(out + n, size - n, "\\u%04x", c);
            else
                out[n++] = (char) c;
        }
    }
    return n;
}

void log_line(const char *stream, const char *data, size_t len)
{
    if (log_fd < 0)
        return;
    /* Room for every byte escaped as \u00XX. */
    static char out[LINE_MAX_BYTES * 6 + 128];
    size_t n = 0;
    n += (size_t) snprintf(out, sizeof out, "{\"log\":\"");
    n += escape_json(out + n, sizeof out - n, data, len);
    n += (size_t) snprintf(out + n, sizeof out - n, "\",\"stream\":\"%s\",\"time\":\"", stream);
    n += (size_t) format_time(out + n, sizeof out - n);
    n += (size_t) snprintf(out + n, sizeof out - n, "\"}\n");
    if (log_max_size > 0 && log_size > 0 && log_size + (long long) n > log_max_size)
        rotate_log();
    if (log_fd >= 0) {
        ssize_t w = write(log_fd, out, n);
        if (w > 0)
            log_size += w;
    }
}
