package io.neurowatch.core.config;

/** A settings value that cannot be used; the message names the key, where the value came from, and why. */
public final class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SettingException(String message) {
        super(message);
    }

    public SettingException(String message, Throwable cause) {
        super(message, cause);
    }
}
