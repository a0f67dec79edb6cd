package io.leveret.interop;

/** {@link WebUiAdminTest}'s tests, in headless Firefox. */
class FirefoxWebUiAdminTest extends WebUiAdminTest {
    @Override
    Browser.Kind browserKind() {
        return Browser.Kind.FIREFOX;
    }
}
