/* Large buffers on huge pages (huge-pages.h). */
#define _GNU_SOURCE
#include "huge-pages.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* Linux 6.1 and later (older C libraries lack the name; older kernels answer EINVAL) */
#endif
#endif

#define HUGE_PAGE ((size_t)2 << 20)

void *alloc_big(size_t bytes) {
  bytes = (bytes + 63) & ~(size_t)63;
  if (bytes == 0) bytes = 64;
  const size_t align = bytes >= HUGE_PAGE ? HUGE_PAGE : 64;
  if (align == HUGE_PAGE) bytes = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  void *p = aligned_alloc(align, bytes);
  if (!p) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  /* before the first touch, so that the pages are huge from their first fault */
  if (align == HUGE_PAGE) madvise(p, bytes, MADV_HUGEPAGE);
#endif
  memset(p, 0, bytes);
  return p;
}

void advise_huge(void *p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
  const uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
  if (hi <= lo) return;
  madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
  madvise((void *)lo, hi - lo, MADV_COLLAPSE);
#else
  (void)p, (void)bytes;
#endif
}
