/* The kernels with 256-bit vectors and FMA (AVX2): 4×16 Gram tiles (8 accumulators of 16 registers), 32-column panels. */
#include <immintrin.h>
#define VEC __m256
#define VW 8
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define GRAM_MR 4
#define GRAM_NRV 2
#define PROD_R 2
#define PROD_NCV 4
#define KERNELS kernels_avx2
#define KERNELS_NAME "avx2"
#include "transpose8.h"
#include "kernels-impl.h"
