<?php

declare(strict_types=1);

namespace Concierge\Api;

/** Patients' dashboards, lab results, treatment plans, providers (docs/RECORDS.md). */
trait Records
{
    /** GET /api/v1/patients/{id}/summary: the dashboard. @return array<string, mixed> */
    public function patientSummary(string $patientId): array
    {
        return $this->get('/api/v1/patients/' . self::seg($patientId) . '/summary');
    }

    /** GET /api/v1/patients/{id}/care-team. @return array<string, mixed> */
    public function careTeam(string $patientId): array
    {
        return $this->get('/api/v1/patients/' . self::seg($patientId) . '/care-team');
    }

    /**
     * Every lab result the caller may see (all pages). Filters: patient_id,
     * status, test_code, from, to; limit is the page size.
     *
     * @param array<string, mixed> $filters
     * @return \Generator<int, array<string, mixed>>
     */
    public function labResults(array $filters = []): \Generator
    {
        return $this->paginate('/api/v1/lab-results', $filters);
    }

    /** GET /api/v1/lab-results/{id}. @return array<string, mixed> */
    public function labResult(string $id): array
    {
        return $this->get('/api/v1/lab-results/' . self::seg($id));
    }

    /**
     * Every treatment plan the caller may see (all pages). Filters:
     * patient_id, status (e.g. active).
     *
     * @param array<string, mixed> $filters
     * @return \Generator<int, array<string, mixed>>
     */
    public function treatmentPlans(array $filters = []): \Generator
    {
        return $this->paginate('/api/v1/treatment-plans', $filters);
    }

    /** GET /api/v1/treatment-plans/{id}. @return array<string, mixed> */
    public function treatmentPlan(string $id): array
    {
        return $this->get('/api/v1/treatment-plans/' . self::seg($id));
    }

    /**
     * The provider directory (all pages). Filters: q, specialty.
     *
     * @param array<string, mixed> $filters
     * @return \Generator<int, array<string, mixed>>
     */
    public function providers(array $filters = []): \Generator
    {
        return $this->paginate('/api/v1/providers', $filters);
    }

    /** GET /api/v1/providers/{id}. @return array<string, mixed> */
    public function provider(string $id): array
    {
        return $this->get('/api/v1/providers/' . self::seg($id));
    }
}
