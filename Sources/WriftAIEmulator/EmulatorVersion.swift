/// The version `wriftai-emulator --version` prints: WriftSync's, which it ships with (a test keeps the two
/// equal).
public enum EmulatorVersion {
    public static let string = "0.1.0"
}
