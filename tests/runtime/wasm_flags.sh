# wasm_flags.sh - sourced: wasm_flags PROG prints the clang-14 feature flags
# a C program of progs/ needs for wasm32 (the feature its test is about).
# build.sh and tests/instrument/debug.sh (progs5) both build these programs;
# one list keeps them from drifting apart.
wasm_flags() {
  case $1 in
    loop) echo -msimd128 ;;
    tailcall|tailind) echo -mtail-call ;;
    multivalue) echo -mmultivalue -Xclang -target-abi -Xclang experimental-mv ;;
  esac
}
