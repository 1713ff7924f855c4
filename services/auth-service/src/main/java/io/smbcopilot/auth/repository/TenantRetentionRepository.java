package io.smbcopilot.auth.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smbcopilot.auth.domain.TenantRetention;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class TenantRetentionRepository implements PanacheRepositoryBase<TenantRetention, UUID> {}
