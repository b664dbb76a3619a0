#ifndef BERTH_SECCOMP_FILTER_H
#define BERTH_SECCOMP_FILTER_H

/* Compiles the spec's seccomp filter (or takes it from its cache), before the process is made. */
void prepare_seccomp(void);

/* Installs the filter prepare_seccomp made on the calling thread; nothing without one. */
void install_seccomp(void);

#endif
