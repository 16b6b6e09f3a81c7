package dev.holdfast.login;

/** Told how every login attempt ended and how long it took, e.g. to count logins for metrics. */
@FunctionalInterface
public interface LoginObserver {
    /** Observes nothing. */
    LoginObserver NONE = (outcome, nanos) -> { };

    /**
     * Called on the request thread once the outcome is known (after the audit event): keep it cheap.
     *
     * @param nanos how long {@link LoginService#login} took, from {@link System#nanoTime()}
     */
    void ended(LoginOutcome outcome, long nanos);
}
