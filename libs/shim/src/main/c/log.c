/*
 * The container's json-file log, as docker's json-file driver writes it: one JSON object a line,
 * {"log":"...","stream":"stdout","time":"..."}, the file rotated before it would pass log_max_size,
 * log_max_files files kept (LOG.1 the newest of the old ones), or the file emptied if only one.
 *
 * Any bytes a process writes are kept: valid UTF-8 is written as it is (with Go's escapes), and
 * each byte of what is not valid UTF-8 as the lone low surrogate \udcXX (XX the byte, 80 to ff),
 * which no valid UTF-8 text produces, so a reader that knows it (JsonLog) gets the bytes back and
 * one that does not sees a replacement character. Records are buffered and written when the
 * buffer fills and whenever the shim's loop has read what was there (log_flush), so the file is
 * never behind what the shim waits on.
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
/* The size of the file with what is buffered. */
static long long log_size;

/* Records not written yet. */
static char buffer[LINE_MAX_BYTES * 6 + 65536];
static size_t buffered;

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

void log_flush(void)
{
    size_t done = 0;
    while (log_fd >= 0 && done < buffered) {
        ssize_t w = write(log_fd, buffer + done, buffered - done);
        if (w <= 0) {
            /* A full disk: the records are dropped, as docker's driver drops them; the container goes on. */
            break;
        }
        done += (size_t) w;
    }
    buffered = 0;
}

void close_log(void)
{
    log_flush();
    if (log_fd >= 0)
        close(log_fd);
    log_fd = -1;
}

static void rotate_log(void)
{
    log_flush();
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

/* RFC 3339 with nanoseconds, trailing zeros dropped, as Go's RFC3339Nano. The date and time of
 * day are formatted once a second. */
int format_time(char *out, size_t size)
{
    static time_t cached_second = -1;
    static char cached[32];
    static size_t cached_len;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != cached_second) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        cached_len = strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
        cached_second = ts.tv_sec;
    }
    if (size < cached_len + 12)
        return 0;
    memcpy(out, cached, cached_len);
    size_t n = cached_len;
    if (ts.tv_nsec != 0) {
        char frac[9];
        long ns = ts.tv_nsec;
        for (int i = 8; i >= 0; i--) {
            frac[i] = (char) ('0' + ns % 10);
            ns /= 10;
        }
        int end = 9;
        while (end > 1 && frac[end - 1] == '0')
            end--;
        out[n++] = '.';
        memcpy(out + n, frac, (size_t) end);
        n += (size_t) end;
    }
    out[n++] = 'Z';
    out[n] = 0;
    return (int) n;
}

/* The length of the valid UTF-8 sequence at data[0] (1 to 4), or 0 if it is not one. */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (len < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return need;
}

static const char hex[] = "0123456789abcdef";

/* The bytes of a line as the content of a JSON string (see the top); returns the length. */
static size_t escape_json(char *out, const unsigned char *data, size_t len)
{
    size_t n = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = data[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
            out[n++] = (char) c;
            i++;
            continue;
        }
        switch (c) {
        case '"': out[n++] = '\\'; out[n++] = '"'; i++; continue;
        case '\\': out[n++] = '\\'; out[n++] = '\\'; i++; continue;
        case '\n': out[n++] = '\\'; out[n++] = 'n'; i++; continue;
        case '\r': out[n++] = '\\'; out[n++] = 'r'; i++; continue;
        case '\t': out[n++] = '\\'; out[n++] = 't'; i++; continue;
        default: break;
        }
        if (c < 0x80) {
            /* Other control characters, and <, > and & as Go has them. */
            memcpy(out + n, "\\u00", 4);
            out[n + 4] = hex[c >> 4];
            out[n + 5] = hex[c & 15];
            n += 6;
            i++;
            continue;
        }
        size_t seq = utf8_sequence(data + i, len - i);
        if (seq == 0) {
            memcpy(out + n, "\\udc", 4);
            out[n + 4] = hex[c >> 4];
            out[n + 5] = hex[c & 15];
            n += 6;
            i++;
        } else if (seq == 3 && c == 0xe2 && data[i + 1] == 0x80 && (data[i + 2] == 0xa8 || data[i + 2] == 0xa9)) {
            /* U+2028 and U+2029, which Go escapes. */
            memcpy(out + n, data[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
            n += 6;
            i += 3;
        } else {
            memcpy(out + n, data + i, seq);
            n += seq;
            i += seq;
        }
    }
    return n;
}

void log_line(const char *stream, const char *data, size_t len)
{
    if (log_fd < 0)
        return;
    /* Formatted apart first: the rotation decides which file it goes to. */
    static char record[LINE_MAX_BYTES * 6 + 128];
    size_t n = 0;
    memcpy(record, "{\"log\":\"", 8);
    n = 8;
    n += escape_json(record + n, (const unsigned char *) data, len);
    n += (size_t) snprintf(record + n, sizeof record - n, "\",\"stream\":\"%s\",\"time\":\"", stream);
    n += (size_t) format_time(record + n, sizeof record - n);
    memcpy(record + n, "\"}\n", 3);
    n += 3;
    if (log_max_size > 0 && log_size > 0 && log_size + (long long) n > log_max_size)
        rotate_log();
    if (sizeof buffer - buffered < n)
        log_flush();
    memcpy(buffer + buffered, record, n);
    buffered += n;
    log_size += (long long) n;
}
