DROP INDEX "alerts_org_fingerprint_idx";--> statement-breakpoint
DROP INDEX "alerts_firing_fingerprint_unique";--> statement-breakpoint
CREATE INDEX "alerts_fingerprint_started_idx" ON "alerts" USING btree ("fingerprint","org_id","starts_at");--> statement-breakpoint
CREATE INDEX "alerts_started_idx" ON "alerts" USING btree ("starts_at","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_firing_fingerprint_unique" ON "alerts" USING btree ("fingerprint","org_id") WHERE "alerts"."status" = 'firing';