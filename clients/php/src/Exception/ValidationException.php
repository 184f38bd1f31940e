<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** 400 malformed, 413 too large, 415 not JSON, 422 invalid fields (errors[]). */
class ValidationException extends ApiException
{
    /** @return list<array{field: string, message: string}> the problem's errors[] */
    public function errors(): array
    {
        $out = [];
        foreach ((array) ($this->problem()['errors'] ?? []) as $e) {
            if (is_array($e)) {
                $out[] = ['field' => (string) ($e['field'] ?? ''), 'message' => (string) ($e['message'] ?? '')];
            }
        }
        return $out;
    }

    /** The message for one field, or null. */
    public function errorFor(string $field): ?string
    {
        foreach ($this->errors() as $e) {
            if ($e['field'] === $field) {
                return $e['message'];
            }
        }
        return null;
    }
}
