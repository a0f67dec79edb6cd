package io.leveret.server.ctl;

import static io.leveret.server.ctl.ManagementClient.path;

/**
 * Turns a refused write into rabbitmqctl's message and exit code. The API answers a missing user or vhost with one
 * status for both ("vhost_or_user_not_found"), while rabbitmqctl names which one is missing, so after a failure we
 * ask which — only on the error path, so a successful command costs one request.
 */
final class Checks {
    private Checks() {
    }

    static boolean userExists(Context c, String user) throws CtlException {
        return exists(c, path("users", user));
    }

    static boolean vhostExists(Context c, String vhost) throws CtlException {
        return exists(c, path("vhosts", vhost));
    }

    private static boolean exists(Context c, String path) throws CtlException {
        ManagementClient.Response r = c.api().get(path);
        if (r.status() == 404) {
            return false;
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
        return true;
    }

    /** For a failed write that names a user and a vhost (permissions, topic permissions). */
    static CtlException userOrVhost(Context c, ManagementClient.Response failed, String user, String vhost)
            throws CtlException {
        if (!userExists(c, user)) {
            return CtlException.error(CtlException.NO_USER, "User " + user + " does not exist");
        }
        if (!vhostExists(c, vhost)) {
            return CtlException.error(CtlException.UNAVAILABLE, "Virtual host " + vhost + " does not exist");
        }
        return CtlException.error(CtlException.UNAVAILABLE, failed.reason());
    }

    static CtlException noSuchVhost(String vhost) {
        return CtlException.bare(CtlException.DATA_ERROR, "Virtual host '" + vhost + "' does not exist");
    }

    /** A write that must succeed; a 404 means the vhost in its path is missing. */
    static void requireOk(Context c, ManagementClient.Response r, String vhost) throws CtlException {
        if (r.ok()) {
            return;
        }
        if (r.status() == 404 && vhost != null && !vhostExists(c, vhost)) {
            throw noSuchVhost(vhost);
        }
        throw CtlException.error(r.status() == 400 ? CtlException.UNAVAILABLE : CtlException.SOFTWARE, r.reason());
    }
}
