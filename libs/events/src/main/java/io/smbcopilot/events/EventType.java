package io.smbcopilot.events;

import io.smbcopilot.events.copilot.CopilotAnswered;
import io.smbcopilot.events.copilot.CopilotBudgetReached;
import io.smbcopilot.events.documents.DocumentFailed;
import io.smbcopilot.events.documents.DocumentIndexed;
import io.smbcopilot.events.documents.DocumentUploaded;
import io.smbcopilot.events.identity.ApiKeyChanged;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.identity.MemberPseudonymised;
import io.smbcopilot.events.identity.RetentionChanged;
import io.smbcopilot.events.identity.RoleChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.events.identity.TenantErased;
import io.smbcopilot.events.notifications.InvitationMailRequested;
import io.smbcopilot.events.notifications.NotificationRequested;
import io.smbcopilot.events.notifications.PersonalExportReady;
import io.smbcopilot.events.notifications.TenantExportReady;
import io.smbcopilot.events.workflows.RunFinished;
import io.smbcopilot.events.workflows.RunStarted;
import io.smbcopilot.events.workflows.RunWaiting;
import io.smbcopilot.events.workflows.WorkflowMessage;
import java.util.Arrays;
import java.util.Optional;

/**
 * The event catalog: every type name, its topic and its payload record. Within a version only
 * additive changes are allowed; a breaking change is a new type name ({@code .v2}).
 */
public enum EventType {
  TENANT_CREATED("io.smbcopilot.identity.tenant-created.v1", Topics.IDENTITY, TenantCreated.class),
  MEMBER_CHANGED("io.smbcopilot.identity.member-changed.v1", Topics.IDENTITY, MemberChanged.class),
  API_KEY_CHANGED(
      "io.smbcopilot.identity.api-key-changed.v1", Topics.IDENTITY, ApiKeyChanged.class),
  ROLE_CHANGED("io.smbcopilot.identity.role-changed.v1", Topics.IDENTITY, RoleChanged.class),
  MEMBER_PSEUDONYMISED(
      "io.smbcopilot.identity.member-pseudonymised.v1", Topics.IDENTITY, MemberPseudonymised.class),
  TENANT_ERASED("io.smbcopilot.identity.tenant-erased.v1", Topics.IDENTITY, TenantErased.class),
  RETENTION_CHANGED(
      "io.smbcopilot.identity.retention-changed.v1", Topics.IDENTITY, RetentionChanged.class),
  DOCUMENT_UPLOADED("io.smbcopilot.document.uploaded.v1", Topics.DOCUMENTS, DocumentUploaded.class),
  DOCUMENT_INDEXED("io.smbcopilot.document.indexed.v1", Topics.DOCUMENTS, DocumentIndexed.class),
  DOCUMENT_FAILED("io.smbcopilot.document.failed.v1", Topics.DOCUMENTS, DocumentFailed.class),
  RUN_STARTED("io.smbcopilot.workflow.run-started.v1", Topics.WORKFLOWS, RunStarted.class),
  RUN_WAITING("io.smbcopilot.workflow.run-waiting.v1", Topics.WORKFLOWS, RunWaiting.class),
  RUN_FINISHED("io.smbcopilot.workflow.run-finished.v1", Topics.WORKFLOWS, RunFinished.class),
  WORKFLOW_MESSAGE("io.smbcopilot.workflow.message.v1", Topics.WORKFLOWS, WorkflowMessage.class),
  COPILOT_ANSWERED("io.smbcopilot.copilot.answered.v1", Topics.WORKFLOWS, CopilotAnswered.class),
  COPILOT_BUDGET_REACHED(
      "io.smbcopilot.copilot.budget-reached.v1", Topics.WORKFLOWS, CopilotBudgetReached.class),
  NOTIFICATION_REQUESTED(
      "io.smbcopilot.notification.requested.v1", Topics.NOTIFICATIONS, NotificationRequested.class),
  INVITATION_MAIL_REQUESTED(
      "io.smbcopilot.notification.invitation-mail-requested.v1",
      Topics.NOTIFICATIONS,
      InvitationMailRequested.class),
  TENANT_EXPORT_READY(
      "io.smbcopilot.notification.tenant-export-ready.v1",
      Topics.NOTIFICATIONS,
      TenantExportReady.class),
  PERSONAL_EXPORT_READY(
      "io.smbcopilot.notification.personal-export-ready.v1",
      Topics.NOTIFICATIONS,
      PersonalExportReady.class);

  private final String typeName;
  private final String topic;
  private final Class<? extends Record> payload;

  EventType(String typeName, String topic, Class<? extends Record> payload) {
    this.typeName = typeName;
    this.topic = topic;
    this.payload = payload;
  }

  public String typeName() {
    return typeName;
  }

  public String topic() {
    return topic;
  }

  public Class<? extends Record> payload() {
    return payload;
  }

  public static Optional<EventType> byName(String typeName) {
    return Arrays.stream(values()).filter(t -> t.typeName.equals(typeName)).findFirst();
  }
}
