<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** 401 mfa_required: the password was right; sign in again with a TOTP or recovery code. */
class MfaRequiredException extends AuthenticationException
{
}
