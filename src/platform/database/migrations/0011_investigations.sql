CREATE TABLE "investigation_evidence" (
	"org_id" uuid NOT NULL,
	"investigation_id" uuid NOT NULL,
	"evidence_id" text NOT NULL,
	"ordinal" integer NOT NULL,
	"port" text NOT NULL,
	"source" text NOT NULL,
	"query" text NOT NULL,
	"service" text,
	"time_from" timestamp with time zone NOT NULL,
	"time_to" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"excerpt" text NOT NULL,
	"hash" text NOT NULL,
	"duration_ms" integer NOT NULL,
	"error" text,
	"data" jsonb,
	"collected_by" text DEFAULT 'playbook' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "investigation_evidence_investigation_id_evidence_id_pk" PRIMARY KEY("investigation_id","evidence_id")
);
--> statement-breakpoint
CREATE TABLE "investigation_feedback" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"investigation_id" uuid,
	"user_id" uuid,
	"helpful" boolean NOT NULL,
	"comment" text,
	"correct_root_cause" text,
	"service" text,
	"category" text,
	"signature" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "investigation_hypotheses" (
	"org_id" uuid NOT NULL,
	"investigation_id" uuid NOT NULL,
	"rank" integer NOT NULL,
	"service" text NOT NULL,
	"category" text NOT NULL,
	"score" real NOT NULL,
	"factors" jsonb NOT NULL,
	"reasons" jsonb NOT NULL,
	"evidence_ids" jsonb NOT NULL,
	CONSTRAINT "investigation_hypotheses_investigation_id_rank_pk" PRIMARY KEY("investigation_id","rank")
);
--> statement-breakpoint
CREATE TABLE "investigation_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"scenario" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "investigation_thoughts" (
	"org_id" uuid NOT NULL,
	"investigation_id" uuid NOT NULL,
	"sequence" integer NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"attempt" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "investigation_thoughts_investigation_id_sequence_pk" PRIMARY KEY("investigation_id","sequence")
);
--> statement-breakpoint
CREATE TABLE "investigations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"status" text NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" uuid,
	"job_id" text,
	"attempt" integer DEFAULT 0 NOT NULL,
	"scenario" text,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"deadline_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text,
	"report" jsonb,
	"confidence" text,
	"root_cause_service" text,
	"root_cause_category" text,
	"generated_by" text,
	"model_steps" integer DEFAULT 0 NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" real DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "investigation_evidence" ADD CONSTRAINT "investigation_evidence_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_evidence" ADD CONSTRAINT "investigation_evidence_investigation_id_investigations_id_fk" FOREIGN KEY ("investigation_id") REFERENCES "public"."investigations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_feedback" ADD CONSTRAINT "investigation_feedback_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_feedback" ADD CONSTRAINT "investigation_feedback_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_feedback" ADD CONSTRAINT "investigation_feedback_investigation_id_investigations_id_fk" FOREIGN KEY ("investigation_id") REFERENCES "public"."investigations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_hypotheses" ADD CONSTRAINT "investigation_hypotheses_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_hypotheses" ADD CONSTRAINT "investigation_hypotheses_investigation_id_investigations_id_fk" FOREIGN KEY ("investigation_id") REFERENCES "public"."investigations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_settings" ADD CONSTRAINT "investigation_settings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_thoughts" ADD CONSTRAINT "investigation_thoughts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_thoughts" ADD CONSTRAINT "investigation_thoughts_investigation_id_investigations_id_fk" FOREIGN KEY ("investigation_id") REFERENCES "public"."investigations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigations" ADD CONSTRAINT "investigations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigations" ADD CONSTRAINT "investigations_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "investigation_feedback_org_idx" ON "investigation_feedback" USING btree ("org_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "investigation_thoughts_key_idx" ON "investigation_thoughts" USING btree ("investigation_id","key");--> statement-breakpoint
CREATE INDEX "investigations_org_incident_idx" ON "investigations" USING btree ("org_id","incident_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "investigations_one_active_per_incident" ON "investigations" USING btree ("incident_id") WHERE "investigations"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "investigations_active_idx" ON "investigations" USING btree ("org_id","status") WHERE "investigations"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "investigations_org_job_idx" ON "investigations" USING btree ("org_id","job_id");