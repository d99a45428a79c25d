/* The kernels with 512-bit vectors (AVX-512F): 8×32 Gram tiles (16 accumulators), 32-column panels, coefficient lists 16 columns at a time. */
#include <immintrin.h>
#define VEC __m512
#define VW 16
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define GRAM_MR 8
#define GRAM_NRV 2
#define PROD_R 4
#define PROD_NCV 2
#define KERNELS kernels_avx512
#define KERNELS_NAME "avx512"
#include "transpose8.h"
#include "coefficients-avx512.h"
#include "row-stats-avx512.h"
#include "kernels-impl.h"
