package io.smbcopilot.notifications.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.identity.RoleChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.notifications.repository.DirectoryRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Keeps who is who from the identity events (tenants' names, members' addresses and roles, the
 * permissions of custom roles), so a kind can go to "the tenant's admins" and mail finds its
 * address. In the inbox's transaction.
 */
@ApplicationScoped
public class DirectoryProjection {
  private final DirectoryRepository directory;
  private final ObjectMapper json;

  public DirectoryProjection(DirectoryRepository directory, ObjectMapper json) {
    this.directory = directory;
    this.json = json;
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

  public Uni<Void> roleChanged(RoleChanged changed, CloudEvent event) {
    UUID tenant = UUID.fromString(changed.tenantId());
    if ("deleted".equals(changed.change())) {
      return directory.removeRole(tenant, changed.role());
    }
    try {
      return directory.saveRole(
          tenant,
          changed.role(),
          json.writeValueAsString(
              changed.permissions() == null ? List.of() : changed.permissions()),
          Notifier.now());
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
  }
}
