// FMA peak of this CPU: 16 independent AVX-512 FMA chains per thread (enough to hide the FMA latency), the ceiling the
// CPU GEMM is measured against (-O3 -funroll-loops keeps the 16 accumulators in registers). Build and run (prints GFLOP/s for f32 and f64 with the given thread count):
//   gcc -O3 -funroll-loops -mavx512f -mfma -fopenmp bench/fma-peak/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak 1 && /tmp/fma_peak 2
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define CHAINS 16
#define ITERATIONS 200000000L

static double f32_peak(int threads) {
    double start = omp_get_wtime();
    float sink = 0;
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    {
        __m512 acc[CHAINS], x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_ps((float)c);
        for (long i = 0; i < ITERATIONS / 16; i++)
            for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_fmadd_ps(acc[c], x, y);
        for (int c = 0; c < CHAINS; c++) sink += _mm512_reduce_add_ps(acc[c]);
    }
    double seconds = omp_get_wtime() - start;
    if (sink == 42) puts("");
    return (double)threads * (ITERATIONS / 16) * CHAINS * 16 * 2 / seconds / 1e9;
}

static double f64_peak(int threads) {
    double start = omp_get_wtime();
    double sink = 0;
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    {
        __m512d acc[CHAINS], x = _mm512_set1_pd(0.999999), y = _mm512_set1_pd(1e-7);
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_pd((double)c);
        for (long i = 0; i < ITERATIONS / 16; i++)
            for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_fmadd_pd(acc[c], x, y);
        for (int c = 0; c < CHAINS; c++) sink += _mm512_reduce_add_pd(acc[c]);
    }
    double seconds = omp_get_wtime() - start;
    if (sink == 42) puts("");
    return (double)threads * (ITERATIONS / 16) * CHAINS * 8 * 2 / seconds / 1e9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    printf("threads %d: f32 %.1f GFLOP/s, f64 %.1f GFLOP/s\n", threads, f32_peak(threads), f64_peak(threads));
    return 0;
}
