<?php
// The PSR-4 autoloader for use without Composer:
//   require __DIR__ . '/path/to/clients/php/src/autoload.php';
// (With Composer, composer.json maps Concierge\ to src/ the same way.)

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $prefix = 'Concierge\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
