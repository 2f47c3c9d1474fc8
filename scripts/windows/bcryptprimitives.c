/* A stand-in for Windows' bcryptprimitives.dll, for running the tests under Wine 8 (Debian 12),
 * which has no such DLL. Rust's standard library asks it for random bytes (ProcessPrng: hash
 * map seeds, temporary names); this answers from advapi32's RtlGenRandom (SystemFunction036),
 * which Wine has. Test machinery only: never shipped, never used on Windows itself. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
