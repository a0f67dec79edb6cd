package io.leveret.interop;

/** {@link WebUiTest}'s tests, in headless Firefox. */
class FirefoxWebUiTest extends WebUiTest {
    @Override
    Browser.Kind browserKind() {
        return Browser.Kind.FIREFOX;
    }
}
