/* Test scaffolding, never shipped: lets Rust programs start under Debian 12's Wine 8.0.
 *
 * Rust's standard library (since 1.78) imports ProcessPrng from bcryptprimitives.dll for its random seeds; Wine has
 * that DLL only from 8.13. This stand-in exports ProcessPrng and fills the buffer with RtlGenRandom (advapi32's
 * SystemFunction036), which every Wine has. scripts/windows-test.sh builds it with MinGW and puts it beside the exe
 * under test. On real Windows the system's own DLL is used and this file plays no part. */
#include <windows.h>

BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
