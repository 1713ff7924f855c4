package io.smbcopilot.notifications.service;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.notifications.repository.DirectoryRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Keeps who is who from the identity events (tenants' names, members' addresses and roles), so a
 * kind can go to "the tenant's admins" and mail finds its address. In the inbox's transaction.
 */
@ApplicationScoped
public class DirectoryProjection {
  private final DirectoryRepository directory;

  public DirectoryProjection(DirectoryRepository directory) {
    this.directory = directory;
  }

  public Uni<Void> tenantCreated(TenantCreated created, CloudEvent event) {
    UUID tenant = UUID.fromString(created.tenantId());
    return directory
        .saveTenant(tenant, created.name(), Notifier.now())
        .chain(
            () ->
                directory.saveMember(
                    tenant,
                    created.ownerUserId(),
                    created.ownerEmail(),
                    created.ownerDisplayName(),
                    "owner",
                    Notifier.now()));
  }

  public Uni<Void> memberChanged(MemberChanged changed, CloudEvent event) {
    if (changed.userId() == null) {
      return Uni.createFrom().voidItem(); // an invitation: nobody joined yet
    }
    UUID tenant = UUID.fromString(changed.tenantId());
    if ("removed".equals(changed.change())) {
      return directory.removeMember(tenant, changed.userId());
    }
    return directory.saveMember(
        tenant, changed.userId(), changed.email(), null, changed.role(), Notifier.now());
  }
}
