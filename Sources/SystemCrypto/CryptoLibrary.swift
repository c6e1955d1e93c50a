import COpenSSL

/// libcrypto's process-wide set-up, for front ends.
public enum CryptoLibrary {
    /// Initialises libcrypto without the clean-up it otherwise registers with `atexit`. Call it before any
    /// other thread can touch libcrypto (libssh2, inside libgit2's set-up, does): the first initialisation
    /// decides. That clean-up frees libcrypto's tables while other threads may still use them: a process
    /// leaving at once (`--help`, a refused argument) while its start-up work hashed on another thread
    /// crashed in `exit`. The system frees a leaving process's memory anyway.
    public static func initialiseWithoutExitCleanup() {
        _ = initialised
    }

    private static let initialised: Bool = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1
}
