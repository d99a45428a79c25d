# The native kernels (src/kernels/native.ts): one addon, three builds of the same kernels
# (AVX-512, AVX2 + FMA, portable C) chosen at run time from the CPU's features. Built at
# `npm install` by scripts/build-native.mjs with the system compiler; nothing is downloaded.
# -ffp-contract=off: the compiler never fuses a multiply and an add on its own, so every
# build computes the same bits (the kernels fuse explicitly where they mean to).
# source_stamp: the SHA-256 of native/src and this file, passed by scripts/build-native.mjs
# (-Dsource_stamp=…) and exported by the addon, so the loader can refuse a build older than
# the sources (scripts/native-stamp.mjs).
{
  "variables": {
    "source_stamp%": "none",
    "kernel_cflags": ["-O3", "-std=gnu11", "-fPIC", "-ffp-contract=off", "-fno-math-errno", "-fno-strict-aliasing"]
  },
  "targets": [
    {
      "target_name": "kernels_generic",
      "type": "static_library",
      "sources": ["src/kernels-generic.c"],
      "cflags": ["<@(kernel_cflags)"]
    },
    {
      "target_name": "incidental_native",
      "sources": ["src/addon.c", "src/session.c", "src/huge-pages.c", "src/dispatch.c", "src/probe.c", "src/batch.c", "src/batch-layout.c", "src/batch-schedule.c"],
      "cflags": ["<@(kernel_cflags)", "-pthread"],
      "ldflags": ["-pthread"],
      "dependencies": ["kernels_generic"],
      "defines": ["NAPI_VERSION=8", "INCIDENTAL_SOURCE_STAMP=<(source_stamp)"],
      "conditions": [
        ["target_arch=='x64'", {
          "dependencies": ["kernels_avx2", "kernels_avx512"],
          "defines": ["INCIDENTAL_X86=1"]
        }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "kernels_avx2",
          "type": "static_library",
          "sources": ["src/kernels-avx2.c"],
          "cflags": ["<@(kernel_cflags)", "-mavx2", "-mfma"]
        },
        {
          "target_name": "kernels_avx512",
          "type": "static_library",
          "sources": ["src/kernels-avx512.c"],
          "cflags": ["<@(kernel_cflags)", "-mavx512f", "-mavx512vl", "-mavx512dq", "-mavx512bw", "-mavx2", "-mfma"]
        }
      ]
    }]
  ]
}
