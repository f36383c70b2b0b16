CREATE TABLE "alert_payloads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"content_type" text NOT NULL,
	"body" "bytea" NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "payload_id" uuid;--> statement-breakpoint
CREATE INDEX "alert_payloads_received_idx" ON "alert_payloads" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "alerts_payload_idx" ON "alerts" USING btree ("payload_id");