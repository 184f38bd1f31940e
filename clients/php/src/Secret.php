<?php

declare(strict_types=1);

namespace Concierge;

/**
 * A value that must never be printed: the bearer token. It is held in a
 * closure, so var_dump, print_r, var_export, json_encode and string
 * conversion show "[redacted]" (or nothing), serialize() refuses, and
 * stack traces show only this object.
 */
final class Secret implements \JsonSerializable, \Stringable
{
    public const REDACTED = '[redacted]';

    private \Closure $value;

    public function __construct(#[\SensitiveParameter] string $value)
    {
        $this->value = static fn (): string => $value;
    }

    /** The secret itself: only for the Authorization header. */
    public function reveal(): string
    {
        return ($this->value)();
    }

    public function __toString(): string
    {
        return self::REDACTED;
    }

    public function __debugInfo(): array
    {
        return ['value' => self::REDACTED];
    }

    public function jsonSerialize(): string
    {
        return self::REDACTED;
    }

    public function __serialize(): array
    {
        throw new \LogicException('a Concierge\\Secret cannot be serialized');
    }

    public function __unserialize(array $data): void
    {
        throw new \LogicException('a Concierge\\Secret cannot be unserialized');
    }

    public static function __set_state(array $state): never
    {
        throw new \LogicException('a Concierge\\Secret cannot be restored');
    }
}
