/*
 * The kernels in portable C (any CPU): scalars and fmaf, so the bits are those of the vector
 * builds (fmaf rounds once, as a fused multiply-add instruction does; where the CPU has no
 * such instruction the C library computes it exactly, slowly).
 */
#include <math.h>
#define VEC float
#define VW 1
#define VZERO() 0.0f
#define VLOAD(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
#define VSET1(x) (x)
#define VFMA(a, b, c) fmaf((a), (b), (c))
#define GRAM_MR 4
#define GRAM_NRV 4
#define PROD_R 1
#define PROD_NCV 16
#define KERNELS kernels_generic
#define KERNELS_NAME "generic"
#include "kernels-impl.h"
