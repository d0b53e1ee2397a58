-- A SQLite database as the hand-written migrations left it (history ends at 20261207000006_OutboundRequests),
-- with two users and a group created through SCIM. Made with 'sqlite3 FILE .dump' by ScimBridge before the generated migrations.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "__EFMigrationsLock" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY,
    "Timestamp" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);
INSERT INTO __EFMigrationsHistory VALUES('20261122000000_Initial','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261123000000_Push','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261124000000_Logs','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261204000002_OneToOneLinks','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261204000003_CaseFolding','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261204000004_AdminSessions','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261207000001_Mirror','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261207000002_Reclamation','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261207000003_HrLifecycle','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261207000004_ConnectionSettings','10.0.14');
INSERT INTO __EFMigrationsHistory VALUES('20261207000006_OutboundRequests','10.0.14');
CREATE TABLE IF NOT EXISTS "Users" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Users" PRIMARY KEY,
    "UserName" TEXT NOT NULL,
    "UserNameNormalized" TEXT NOT NULL,
    "ExternalId" TEXT NULL,
    "DisplayName" TEXT NULL,
    "DisplayNameNormalized" TEXT NULL,
    "Active" INTEGER NOT NULL,
    "Title" TEXT NULL,
    "UserType" TEXT NULL,
    "NickName" TEXT NULL,
    "GivenName" TEXT NULL,
    "FamilyName" TEXT NULL,
    "FormattedName" TEXT NULL,
    "Locale" TEXT NULL,
    "Timezone" TEXT NULL,
    "PreferredLanguage" TEXT NULL,
    "ProfileUrl" TEXT NULL,
    "EmployeeNumber" TEXT NULL,
    "Department" TEXT NULL,
    "CostCenter" TEXT NULL,
    "Organization" TEXT NULL,
    "Division" TEXT NULL,
    "ManagerId" TEXT NULL,
    "Created" INTEGER NOT NULL,
    "LastModified" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    "Data" TEXT NOT NULL
);
INSERT INTO Users VALUES('01a251560e25769482d7be4c3cd1852e','ada@example.com','ada@example.com',NULL,'Ada Lovelace','ada lovelace',1,NULL,NULL,NULL,'Given','Family',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,639322577239418993,639322577239418993,1,'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","name":{"familyName":"Family","givenName":"Given"},"displayName":"Ada Lovelace","active":true,"emails":[{"value":"ada@example.com","type":"work","primary":true}]}');
INSERT INTO Users VALUES('01a2515610117ffb84b6ce0c1ca79251','bob@example.com','bob@example.com',NULL,'Bob','bob',1,NULL,NULL,NULL,'Given','Family',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,639322577244330670,639322577244330670,1,'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob@example.com","name":{"familyName":"Family","givenName":"Given"},"displayName":"Bob","active":true,"emails":[{"value":"bob@example.com","type":"work","primary":true}]}');
CREATE TABLE IF NOT EXISTS "UserValues" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_UserValues" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "Attribute" TEXT NOT NULL,
    "Type" TEXT NULL,
    "Value" TEXT NULL,
    "ValueNormalized" TEXT NULL,
    "Display" TEXT NULL,
    "Primary" INTEGER NOT NULL,
    CONSTRAINT "FK_UserValues_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);
INSERT INTO UserValues VALUES(1,'01a251560e25769482d7be4c3cd1852e','emails','work','ada@example.com','ada@example.com',NULL,1);
INSERT INTO UserValues VALUES(2,'01a2515610117ffb84b6ce0c1ca79251','emails','work','bob@example.com','bob@example.com',NULL,1);
CREATE TABLE IF NOT EXISTS "Groups" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Groups" PRIMARY KEY,
    "DisplayName" TEXT NOT NULL,
    "DisplayNameNormalized" TEXT NOT NULL,
    "ExternalId" TEXT NULL,
    "Created" INTEGER NOT NULL,
    "LastModified" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    "Data" TEXT NOT NULL
);
INSERT INTO "Groups" VALUES('01a25156101e78e1acbc23b0cf895e93','Engineering','engineering',NULL,639322577244463686,639322577244463686,1,'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering"}');
CREATE TABLE IF NOT EXISTS "GroupMembers" (
    "GroupId" TEXT NOT NULL,
    "MemberId" TEXT NOT NULL,
    "MemberType" TEXT NOT NULL,
    CONSTRAINT "PK_GroupMembers" PRIMARY KEY ("GroupId", "MemberId"),
    CONSTRAINT "FK_GroupMembers_Groups_GroupId" FOREIGN KEY ("GroupId") REFERENCES "Groups" ("Id") ON DELETE CASCADE
);
INSERT INTO GroupMembers VALUES('01a25156101e78e1acbc23b0cf895e93','01a251560e25769482d7be4c3cd1852e','User');
INSERT INTO GroupMembers VALUES('01a25156101e78e1acbc23b0cf895e93','01a2515610117ffb84b6ce0c1ca79251','User');
CREATE TABLE IF NOT EXISTS "Changes" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Changes" PRIMARY KEY AUTOINCREMENT,
    "ResourceType" TEXT NOT NULL,
    "ResourceId" TEXT NOT NULL,
    "Operation" TEXT NOT NULL,
    "Changes" TEXT NOT NULL,
    "Actor" TEXT NOT NULL,
    "RequestId" TEXT NULL,
    "OccurredAt" INTEGER NOT NULL
, "PushStatus" TEXT NOT NULL DEFAULT 'Pending', "PushedAt" INTEGER NULL, "PushError" TEXT NULL);
INSERT INTO Changes VALUES(1,'User','01a251560e25769482d7be4c3cd1852e','Create','{"attributes":[{"path":"userName","old":null,"new":"ada@example.com"},{"path":"name.familyName","old":null,"new":"Family"},{"path":"name.givenName","old":null,"new":"Given"},{"path":"displayName","old":null,"new":"Ada Lovelace"},{"path":"active","old":null,"new":true},{"path":"emails","old":null,"new":[{"value":"ada@example.com","type":"work","primary":true}]}]}','legacy-client','0HNQKFSJ3LQ5V',639322577240200770,'Pending',NULL,NULL);
INSERT INTO Changes VALUES(2,'User','01a2515610117ffb84b6ce0c1ca79251','Create','{"attributes":[{"path":"userName","old":null,"new":"bob@example.com"},{"path":"name.familyName","old":null,"new":"Family"},{"path":"name.givenName","old":null,"new":"Given"},{"path":"displayName","old":null,"new":"Bob"},{"path":"active","old":null,"new":true},{"path":"emails","old":null,"new":[{"value":"bob@example.com","type":"work","primary":true}]}]}','legacy-client','0HNQKFSJ3LQ60',639322577244344797,'Pending',NULL,NULL);
INSERT INTO Changes VALUES(3,'Group','01a25156101e78e1acbc23b0cf895e93','Create','{"attributes":[{"path":"displayName","old":null,"new":"Engineering"}],"membersAdded":["01a251560e25769482d7be4c3cd1852e","01a2515610117ffb84b6ce0c1ca79251"],"membersRemoved":[]}','legacy-client','0HNQKFSJ3LQ61',639322577245684638,'Pending',NULL,NULL);
CREATE TABLE IF NOT EXISTS "ScimTokens" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ScimTokens" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Hash" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastUsedAt" INTEGER NULL,
    "RevokedAt" INTEGER NULL
, "Scope" TEXT NOT NULL DEFAULT 'scim');
INSERT INTO ScimTokens VALUES('3890ac86beb1','legacy-client','52547d39bdc5aae23078bda022638f5156e8ea7533a4e25c30585b5e72aec065',639322577237549710,639322577239271727,NULL,'scim');
CREATE TABLE IF NOT EXISTS "PushStates" (
    "ResourceType" TEXT NOT NULL,
    "ResourceId" TEXT NOT NULL,
    "ChangeSeq" INTEGER NOT NULL,
    "PushedSeq" INTEGER NOT NULL,
    "DueAt" INTEGER NOT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL,
    "MondayId" TEXT NULL,
    "Pushed" TEXT NULL,
    "Attempts" INTEGER NOT NULL,
    "LastError" TEXT NULL,
    "PushedAt" INTEGER NULL,
    "DeleteAt" INTEGER NULL, "InitiatorType" TEXT NULL, "Initiator" TEXT NULL, "HeldAt" INTEGER NULL, "HoldReason" TEXT NULL, "DeprovisionApproved" INTEGER NOT NULL DEFAULT 0, "ConflictWith" TEXT NULL, "ReclaimedAttribute" TEXT NULL, "ReclaimedBasis" TEXT NULL, "ReclaimedValue" TEXT NULL, "ReclaimCandidateId" INTEGER NULL,
    CONSTRAINT "PK_PushStates" PRIMARY KEY ("ResourceType", "ResourceId")
);
INSERT INTO PushStates VALUES('User','01a251560e25769482d7be4c3cd1852e',1,0,639322577240200770,NULL,NULL,NULL,NULL,0,NULL,NULL,NULL,'Scim','legacy-client',NULL,NULL,0,NULL,NULL,NULL,NULL,NULL);
INSERT INTO PushStates VALUES('User','01a2515610117ffb84b6ce0c1ca79251',1,0,639322577244344797,NULL,NULL,NULL,NULL,0,NULL,NULL,NULL,'Scim','legacy-client',NULL,NULL,0,NULL,NULL,NULL,NULL,NULL);
INSERT INTO PushStates VALUES('Group','01a25156101e78e1acbc23b0cf895e93',1,0,639322577245684638,NULL,NULL,NULL,NULL,0,NULL,NULL,NULL,'Scim','legacy-client',NULL,NULL,0,NULL,NULL,NULL,NULL,NULL);
CREATE TABLE IF NOT EXISTS "OutboundCalls" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_OutboundCalls" PRIMARY KEY AUTOINCREMENT,
    "ChangeId" INTEGER NULL,
    "ResourceType" TEXT NOT NULL,
    "ResourceId" TEXT NOT NULL,
    "Instance" TEXT NOT NULL,
    "Method" TEXT NOT NULL,
    "Path" TEXT NOT NULL,
    "Status" INTEGER NOT NULL,
    "DurationMs" REAL NOT NULL,
    "RetryAfterMs" INTEGER NULL,
    "Attempt" INTEGER NOT NULL,
    "Excerpt" TEXT NULL,
    "At" INTEGER NOT NULL
, "LogEntryId" INTEGER NULL, "RequestExcerpt" TEXT NULL);
CREATE TABLE IF NOT EXISTS "PushTargets" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_PushTargets" PRIMARY KEY,
    "QuarantinedSince" INTEGER NULL,
    "QuarantineLevel" INTEGER NOT NULL,
    "NextProbeAt" INTEGER NULL,
    "Reason" TEXT NULL
);
INSERT INTO PushTargets VALUES('monday',NULL,0,NULL,NULL);
CREATE TABLE IF NOT EXISTS "LogEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_LogEntries" PRIMARY KEY AUTOINCREMENT,
    "At" INTEGER NOT NULL,
    "ChangeId" INTEGER NULL,
    "CycleId" TEXT NOT NULL,
    "DurationMs" REAL NOT NULL,
    "InitiatorType" TEXT NOT NULL,
    "Initiator" TEXT NOT NULL,
    "ResourceType" TEXT NOT NULL,
    "SourceId" TEXT NOT NULL,
    "SourceName" TEXT NULL,
    "SourceNameNormalized" TEXT NULL,
    "TargetId" TEXT NULL,
    "TargetName" TEXT NULL,
    "Action" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "ErrorCode" TEXT NULL,
    "Message" TEXT NULL,
    "RecommendedFix" TEXT NULL,
    "Steps" TEXT NOT NULL,
    "ModifiedProperties" TEXT NOT NULL,
    "Attempt" INTEGER NOT NULL,
    "NextRetryAt" INTEGER NULL,
    "Instance" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "AdminAccounts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AdminAccounts" PRIMARY KEY,
    "UserName" TEXT NOT NULL,
    "UserNameNormalized" TEXT NOT NULL,
    "PasswordHash" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastLoginAt" INTEGER NULL,
    "FailedAttempts" INTEGER NOT NULL,
    "LockedUntil" INTEGER NULL,
    "DisabledAt" INTEGER NULL
);
CREATE TABLE IF NOT EXISTS "DataProtectionKeys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DataProtectionKeys" PRIMARY KEY AUTOINCREMENT,
    "FriendlyName" TEXT NULL,
    "Xml" TEXT NOT NULL
);
INSERT INTO DataProtectionKeys VALUES(1,'key-90a96f74-64ec-43d6-9451-4a4685494aae','<key id="90a96f74-64ec-43d6-9451-4a4685494aae" version="1"><creationDate>2026-12-07T16:28:43.308618Z</creationDate><activationDate>2026-12-07T16:28:43.308618Z</activationDate><expirationDate>2027-03-07T16:28:43.308618Z</expirationDate><descriptor deserializerType="Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer, Microsoft.AspNetCore.DataProtection, Version=10.0.0.0, Culture=neutral, PublicKeyToken=adb9793829ddae60"><descriptor><encryption algorithm="AES_256_CBC" /><validation algorithm="HMACSHA256" /><masterKey p4:requiresEncryption="true" xmlns:p4="http://schemas.asp.net/2015/03/dataProtection"><!-- Warning: the key below is in an unencrypted form. --><value>3cYEQpNA1aByugEl8W+CrirmZaLbkKezJMu0YEqfM0UbFLbtA95Akv+owVSCIsDO+aLeS+lulP9uOdk2E8gIFQ==</value></masterKey></descriptor></descriptor></key>');
CREATE TABLE IF NOT EXISTS "DeprovisionGrants" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DeprovisionGrants" PRIMARY KEY AUTOINCREMENT,
    "At" INTEGER NOT NULL,
    "ResourceType" TEXT NOT NULL,
    "ResourceId" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "DataUpgrades" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_DataUpgrades" PRIMARY KEY,
    "AppliedAt" INTEGER NOT NULL
);
INSERT INTO DataUpgrades VALUES('CaseFolding/1',639322577231875715);
CREATE TABLE IF NOT EXISTS "AdminSessions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AdminSessions" PRIMARY KEY,
    "AccountId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS "AdminSignInFailures" (
    "AccountId" TEXT NOT NULL,
    "Address" TEXT NOT NULL,
    "FailedAttempts" INTEGER NOT NULL,
    "LastFailedAt" INTEGER NOT NULL,
    "LockedUntil" INTEGER NULL,
    CONSTRAINT "PK_AdminSignInFailures" PRIMARY KEY ("AccountId", "Address")
);
CREATE TABLE IF NOT EXISTS "MirrorSeats" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_MirrorSeats" PRIMARY KEY AUTOINCREMENT,
    "App" TEXT NOT NULL,
    "AccountId" TEXT NOT NULL,
    "Email" TEXT NULL,
    "EmailNormalized" TEXT NULL,
    "Name" TEXT NULL,
    "SeatType" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "ListedStatus" TEXT NULL,
    "CreatedInApp" INTEGER NULL,
    "LastActivity" INTEGER NULL,
    "FirstSeen" INTEGER NOT NULL,
    "LastSeen" INTEGER NOT NULL,
    "GoneAt" INTEGER NULL,
    "LastRunId" INTEGER NOT NULL,
    "ProvisionedByBridge" INTEGER NOT NULL,
    "UserId" TEXT NULL,
    "LinkedBy" TEXT NULL,
    "ReportStatus" TEXT NULL,
    "ReportAt" INTEGER NULL
);
CREATE TABLE IF NOT EXISTS "MirrorRuns" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_MirrorRuns" PRIMARY KEY AUTOINCREMENT,
    "App" TEXT NOT NULL,
    "InitiatorType" TEXT NOT NULL,
    "Initiator" TEXT NOT NULL,
    "Instance" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "StartedAt" INTEGER NOT NULL,
    "EndedAt" INTEGER NULL,
    "Seen" INTEGER NOT NULL,
    "Added" INTEGER NOT NULL,
    "Changed" INTEGER NOT NULL,
    "Gone" INTEGER NOT NULL,
    "Unchanged" INTEGER NOT NULL,
    "Pages" INTEGER NOT NULL,
    "Error" TEXT NULL,
    "ErrorCode" TEXT NULL
);
CREATE TABLE IF NOT EXISTS "MirrorApps" (
    "App" TEXT NOT NULL CONSTRAINT "PK_MirrorApps" PRIMARY KEY,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL,
    "RunningRunId" INTEGER NULL,
    "LastCompleteRunId" INTEGER NULL,
    "LastCompleteAt" INTEGER NULL,
    "AccountId" TEXT NULL,
    "AccountName" TEXT NULL,
    "SeatsBought" INTEGER NULL,
    "ActiveMembers" INTEGER NULL,
    "ReportAt" INTEGER NULL,
    "ReportSummary" TEXT NULL
);
CREATE TABLE IF NOT EXISTS "AppConnections" (
    "App" TEXT NOT NULL CONSTRAINT "PK_AppConnections" PRIMARY KEY,
    "ProtectedAccessToken" TEXT NOT NULL,
    "ProtectedRefreshToken" TEXT NULL,
    "ExpiresAt" INTEGER NULL,
    "Scopes" TEXT NOT NULL,
    "AccountId" TEXT NULL,
    "ConnectedBy" TEXT NOT NULL,
    "ConnectedAt" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS "ReclaimRules" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReclaimRules" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Enabled" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    "Definition" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    "UpdatedBy" TEXT NOT NULL,
    "DeletedAt" INTEGER NULL,
    "DeletedBy" TEXT NULL
);
CREATE TABLE IF NOT EXISTS "ReclaimRuleVersions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReclaimRuleVersions" PRIMARY KEY AUTOINCREMENT,
    "RuleId" INTEGER NOT NULL,
    "Version" INTEGER NOT NULL,
    "Change" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Enabled" INTEGER NOT NULL,
    "Definition" TEXT NOT NULL,
    "ChangedAt" INTEGER NOT NULL,
    "ChangedBy" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "ReclaimCandidates" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReclaimCandidates" PRIMARY KEY AUTOINCREMENT,
    "RuleId" INTEGER NOT NULL,
    "RuleVersion" INTEGER NOT NULL,
    "App" TEXT NOT NULL,
    "SeatId" INTEGER NOT NULL,
    "AccountId" TEXT NOT NULL,
    "UserId" TEXT NULL,
    "Email" TEXT NULL,
    "Name" TEXT NULL,
    "SeatType" TEXT NOT NULL,
    "Action" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "StateReason" TEXT NULL,
    "ErrorCode" TEXT NULL,
    "LastActivity" INTEGER NULL,
    "CreatedInApp" INTEGER NULL,
    "MonthlySaving" TEXT NULL,
    "Currency" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    "ClosedAt" INTEGER NULL,
    "WaveId" TEXT NULL,
    "HeldAt" INTEGER NULL,
    "GuardApproved" INTEGER NOT NULL,
    "NoticeDueAt" INTEGER NULL,
    "NoticeSentAt" INTEGER NULL,
    "Reminders" INTEGER NOT NULL,
    "NextReminderAt" INTEGER NULL,
    "AutoReclaimAt" INTEGER NULL,
    "Answer" TEXT NULL,
    "AnsweredAt" INTEGER NULL,
    "ApproverKind" TEXT NULL,
    "ApproverUserId" TEXT NULL,
    "ApprovalNoticeSentAt" INTEGER NULL,
    "CooldownUntil" INTEGER NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL,
    "Attempts" INTEGER NOT NULL,
    "PreviousSeatType" TEXT NULL,
    "PreviousActive" INTEGER NULL,
    "NewSeatType" TEXT NULL,
    "NewActive" INTEGER NULL,
    "ReclaimedAt" INTEGER NULL,
    "ReclaimedBy" TEXT NULL,
    "UndoneAt" INTEGER NULL,
    "UndoneBy" TEXT NULL
);
CREATE TABLE IF NOT EXISTS "ReclaimTransitions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReclaimTransitions" PRIMARY KEY AUTOINCREMENT,
    "CandidateId" INTEGER NOT NULL,
    "FromState" TEXT NULL,
    "ToState" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    "ActorType" TEXT NOT NULL,
    "Actor" TEXT NOT NULL,
    "Note" TEXT NULL
);
CREATE TABLE IF NOT EXISTS "ReclaimVips" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReclaimVips" PRIMARY KEY AUTOINCREMENT,
    "Match" TEXT NOT NULL,
    "MatchNormalized" TEXT NOT NULL,
    "Note" TEXT NULL,
    "AddedAt" INTEGER NOT NULL,
    "AddedBy" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "ReclaimSnapshots" (
    "Day" TEXT NOT NULL,
    "App" TEXT NOT NULL,
    "SeatsBought" INTEGER NULL,
    "Assigned" INTEGER NOT NULL,
    "Active" INTEGER NOT NULL,
    "Unused" INTEGER NOT NULL,
    "MonthlySpend" TEXT NOT NULL,
    "PotentialMonthly" TEXT NOT NULL,
    "RealisedThisYear" TEXT NOT NULL,
    "Currency" TEXT NOT NULL,
    "TakenAt" INTEGER NOT NULL,
    CONSTRAINT "PK_ReclaimSnapshots" PRIMARY KEY ("Day", "App")
);
CREATE TABLE IF NOT EXISTS "WorkLeases" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_WorkLeases" PRIMARY KEY,
    "Owner" TEXT NULL,
    "Until" INTEGER NULL,
    "LastDoneAt" INTEGER NULL
);
CREATE TABLE IF NOT EXISTS "HrEvents" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_HrEvents" PRIMARY KEY AUTOINCREMENT,
    "Kind" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "UserName" TEXT NULL,
    "EmployeeNumber" TEXT NULL,
    "MatchedBy" TEXT NOT NULL,
    "EffectiveAt" INTEGER NOT NULL,
    "EffectiveLocal" TEXT NULL,
    "TimeZone" TEXT NOT NULL,
    "Reason" TEXT NULL,
    "Note" TEXT NULL,
    "Details" TEXT NULL,
    "Source" TEXT NOT NULL,
    "Actor" TEXT NOT NULL,
    "ClientRequestId" TEXT NULL,
    "BatchId" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "FiredAt" INTEGER NULL,
    "ClosedAt" INTEGER NULL,
    "ClosedBy" TEXT NULL,
    "Error" TEXT NULL,
    "Approved" INTEGER NOT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL
);
CREATE TABLE IF NOT EXISTS "HrWorkers" (
    "UserId" TEXT NOT NULL CONSTRAINT "PK_HrWorkers" PRIMARY KEY,
    "Status" TEXT NOT NULL,
    "TerminationId" INTEGER NULL,
    "Step" TEXT NULL,
    "StepDueAt" INTEGER NULL,
    "Memberships" TEXT NULL,
    "SnapshotAt" INTEGER NULL,
    "Deactivated" INTEGER NOT NULL,
    "RemovedFromTeams" INTEGER NOT NULL,
    "Deleted" INTEGER NOT NULL,
    "DeactivateSeq" INTEGER NULL,
    "EffectiveAt" INTEGER NULL,
    "DeactivatedAt" INTEGER NULL,
    "UpdatedAt" INTEGER NOT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL
);
CREATE TABLE IF NOT EXISTS "HrJobs" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_HrJobs" PRIMARY KEY,
    "Kind" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Actor" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "StartedAt" INTEGER NULL,
    "CompletedAt" INTEGER NULL,
    "Input" TEXT NULL,
    "Result" TEXT NULL,
    "Total" INTEGER NOT NULL,
    "Succeeded" INTEGER NOT NULL,
    "Failed" INTEGER NOT NULL,
    "Error" TEXT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseUntil" INTEGER NULL
);
CREATE TABLE IF NOT EXISTS "HrRequests" (
    "Key" TEXT NOT NULL CONSTRAINT "PK_HrRequests" PRIMARY KEY,
    "RequestHash" TEXT NOT NULL,
    "Status" INTEGER NOT NULL,
    "Response" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS "ConnectionSettings" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_ConnectionSettings" PRIMARY KEY,
    "Value" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    "UpdatedBy" TEXT NOT NULL
);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('DataProtectionKeys',1);
INSERT INTO sqlite_sequence VALUES('Changes',3);
INSERT INTO sqlite_sequence VALUES('UserValues',2);
CREATE UNIQUE INDEX "IX_Users_UserNameNormalized" ON "Users" ("UserNameNormalized");
CREATE INDEX "IX_Users_ExternalId" ON "Users" ("ExternalId");
CREATE INDEX "IX_Users_DisplayNameNormalized" ON "Users" ("DisplayNameNormalized");
CREATE INDEX "IX_Users_EmployeeNumber" ON "Users" ("EmployeeNumber");
CREATE INDEX "IX_Users_LastModified" ON "Users" ("LastModified");
CREATE INDEX "IX_UserValues_Attribute_ValueNormalized" ON "UserValues" ("Attribute", "ValueNormalized");
CREATE INDEX "IX_UserValues_UserId" ON "UserValues" ("UserId");
CREATE INDEX "IX_Groups_DisplayNameNormalized" ON "Groups" ("DisplayNameNormalized");
CREATE INDEX "IX_Groups_ExternalId" ON "Groups" ("ExternalId");
CREATE INDEX "IX_Groups_LastModified" ON "Groups" ("LastModified");
CREATE INDEX "IX_GroupMembers_MemberId" ON "GroupMembers" ("MemberId");
CREATE INDEX "IX_Changes_ResourceType_ResourceId" ON "Changes" ("ResourceType", "ResourceId");
CREATE INDEX "IX_Changes_OccurredAt" ON "Changes" ("OccurredAt");
CREATE UNIQUE INDEX "IX_ScimTokens_Name" ON "ScimTokens" ("Name") WHERE "RevokedAt" IS NULL;
CREATE INDEX "IX_Changes_PushStatus" ON "Changes" ("PushStatus");
CREATE INDEX "IX_OutboundCalls_ChangeId" ON "OutboundCalls" ("ChangeId");
CREATE INDEX "IX_OutboundCalls_ResourceType_ResourceId" ON "OutboundCalls" ("ResourceType", "ResourceId");
CREATE INDEX "IX_OutboundCalls_At" ON "OutboundCalls" ("At");
CREATE INDEX "IX_LogEntries_At_Id" ON "LogEntries" ("At", "Id");
CREATE INDEX "IX_LogEntries_Status_At_Id" ON "LogEntries" ("Status", "At", "Id");
CREATE INDEX "IX_LogEntries_Action_At_Id" ON "LogEntries" ("Action", "At", "Id");
CREATE INDEX "IX_LogEntries_ErrorCode_At_Id" ON "LogEntries" ("ErrorCode", "At", "Id");
CREATE INDEX "IX_LogEntries_Initiator_At_Id" ON "LogEntries" ("Initiator", "At", "Id");
CREATE INDEX "IX_LogEntries_InitiatorType_At_Id" ON "LogEntries" ("InitiatorType", "At", "Id");
CREATE INDEX "IX_LogEntries_CycleId_At_Id" ON "LogEntries" ("CycleId", "At", "Id");
CREATE INDEX "IX_LogEntries_SourceId_At_Id" ON "LogEntries" ("SourceId", "At", "Id");
CREATE INDEX "IX_LogEntries_TargetId_At_Id" ON "LogEntries" ("TargetId", "At", "Id");
CREATE INDEX "IX_LogEntries_SourceNameNormalized_At_Id" ON "LogEntries" ("SourceNameNormalized", "At", "Id");
CREATE INDEX "IX_LogEntries_ChangeId" ON "LogEntries" ("ChangeId");
CREATE INDEX "IX_OutboundCalls_LogEntryId" ON "OutboundCalls" ("LogEntryId");
CREATE INDEX "IX_PushStates_DueAt" ON "PushStates" ("DueAt") WHERE ("ChangeSeq" > "PushedSeq" OR "DeleteAt" IS NOT NULL) AND "HeldAt" IS NULL;
CREATE INDEX "IX_PushStates_HeldAt" ON "PushStates" ("HeldAt") WHERE "HeldAt" IS NOT NULL;
CREATE UNIQUE INDEX "IX_AdminAccounts_UserNameNormalized" ON "AdminAccounts" ("UserNameNormalized");
CREATE INDEX "IX_DeprovisionGrants_At" ON "DeprovisionGrants" ("At");
CREATE UNIQUE INDEX "IX_PushStates_ResourceType_MondayId" ON "PushStates" ("ResourceType", "MondayId") WHERE "MondayId" IS NOT NULL;
CREATE INDEX "IX_PushStates_ResourceType_ConflictWith" ON "PushStates" ("ResourceType", "ConflictWith") WHERE "ConflictWith" IS NOT NULL;
CREATE INDEX "IX_AdminSessions_ExpiresAt" ON "AdminSessions" ("ExpiresAt");
CREATE INDEX "IX_AdminSignInFailures_LastFailedAt" ON "AdminSignInFailures" ("LastFailedAt");
CREATE UNIQUE INDEX "IX_MirrorSeats_App_AccountId" ON "MirrorSeats" ("App", "AccountId");
CREATE INDEX "IX_MirrorSeats_App_EmailNormalized" ON "MirrorSeats" ("App", "EmailNormalized");
CREATE INDEX "IX_MirrorSeats_App_LastActivity" ON "MirrorSeats" ("App", "LastActivity");
CREATE UNIQUE INDEX "IX_MirrorSeats_App_UserId" ON "MirrorSeats" ("App", "UserId") WHERE "UserId" IS NOT NULL AND "GoneAt" IS NULL;
CREATE INDEX "IX_MirrorSeats_UserId" ON "MirrorSeats" ("UserId");
CREATE INDEX "IX_MirrorRuns_App_StartedAt" ON "MirrorRuns" ("App", "StartedAt");
CREATE INDEX "IX_MirrorRuns_StartedAt" ON "MirrorRuns" ("StartedAt");
CREATE UNIQUE INDEX "IX_ReclaimRuleVersions_RuleId_Version" ON "ReclaimRuleVersions" ("RuleId", "Version");
CREATE UNIQUE INDEX "IX_ReclaimCandidates_OpenSeat" ON "ReclaimCandidates" ("SeatId") WHERE "ClosedAt" IS NULL;
CREATE INDEX "IX_ReclaimCandidates_SeatId_ClosedAt" ON "ReclaimCandidates" ("SeatId", "ClosedAt");
CREATE INDEX "IX_ReclaimCandidates_State_App" ON "ReclaimCandidates" ("State", "App");
CREATE INDEX "IX_ReclaimCandidates_WaveId" ON "ReclaimCandidates" ("WaveId");
CREATE INDEX "IX_ReclaimCandidates_RuleId" ON "ReclaimCandidates" ("RuleId");
CREATE INDEX "IX_ReclaimTransitions_CandidateId" ON "ReclaimTransitions" ("CandidateId");
CREATE UNIQUE INDEX "IX_ReclaimVips_MatchNormalized" ON "ReclaimVips" ("MatchNormalized");
CREATE INDEX "IX_HrEvents_State_EffectiveAt" ON "HrEvents" ("State", "EffectiveAt");
CREATE INDEX "IX_HrEvents_UserId" ON "HrEvents" ("UserId");
CREATE INDEX "IX_HrEvents_BatchId" ON "HrEvents" ("BatchId");
CREATE INDEX "IX_HrWorkers_StepDueAt" ON "HrWorkers" ("StepDueAt");
CREATE INDEX "IX_HrJobs_Status_CreatedAt" ON "HrJobs" ("Status", "CreatedAt");
CREATE INDEX "IX_HrRequests_CreatedAt" ON "HrRequests" ("CreatedAt");
COMMIT;
