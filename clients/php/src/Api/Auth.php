<?php

declare(strict_types=1);

namespace Concierge\Api;

use Concierge\Exception\MfaRequiredException;
use Concierge\Secret;

/** Sign in (with the MFA step), sign out, the signed-in user. */
trait Auth
{
    /**
     * POST /api/v1/auth/login; the client keeps the token. $totp is the
     * second factor for an account with MFA on: a code, or a callable that
     * is asked for one only when the server answers 401 mfa_required
     * (without it, that is an Exception\MfaRequiredException).
     *
     * @param string|(callable(): string)|null $totp
     * @return array<string, mixed> the reply (user, expires_at), its token a Secret
     */
    public function login(string $email, #[\SensitiveParameter] string $password,
        #[\SensitiveParameter] string|callable|null $totp = null): array
    {
        $body = ['email' => $email, 'password' => $password];
        if (is_string($totp)) {
            $body['totp_code'] = $totp;
        }
        try {
            $r = $this->post('/api/v1/auth/login', $body);
        } catch (MfaRequiredException $e) {
            if (!is_callable($totp)) {
                throw $e;
            }
            $body['totp_code'] = (string) $totp();
            $r = $this->post('/api/v1/auth/login', $body);
        }
        $this->setToken((string) $r['token']);
        $r['token'] = new Secret((string) $r['token']);
        return $r;
    }

    /** POST /api/v1/auth/logout: the token is revoked and forgotten. */
    public function logout(): void
    {
        try {
            $this->post('/api/v1/auth/logout');
        } finally {
            $this->setToken(null);
        }
    }

    /** GET /api/v1/me: user, profile, notification_preferences. @return array<string, mixed> */
    public function me(): array
    {
        return $this->get('/api/v1/me');
    }
}
