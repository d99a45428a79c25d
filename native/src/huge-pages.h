/*
 * Large buffers on 2 MiB pages where the kernel offers them (Linux transparent huge pages in
 * "madvise" mode, as on the development machine, give them only to memory that asks). A step
 * of the paper's configuration streams 48 MB of weights and optimizer state, far beyond L2:
 * on 4 KiB pages every 4 KiB of that stream needs its own address translation (in a virtual
 * machine, a two-level page walk). A hint only: where it is refused nothing changes, and no
 * result depends on it.
 */
#ifndef INCIDENTAL_HUGE_PAGES_H
#define INCIDENTAL_HUGE_PAGES_H
#include <stddef.h>

/** `bytes` zeroed bytes, 64-byte aligned; 2 MiB aligned and advised for huge pages from 2 MiB up. NULL on failure; free() frees it. */
void *alloc_big(size_t bytes);

/**
 * Advises huge pages for the whole 2 MiB pages inside [p, p + bytes) of memory someone else
 * allocated (the JavaScript weights) and asks the kernel to collapse them now where it can.
 */
void advise_huge(void *p, size_t bytes);

#endif
