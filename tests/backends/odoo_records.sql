-- The records of a small Odoo CRM, as Odoo writes them when a user marks an activity done, sends an
-- e-mail, moves a stage and marks a lead lost; loaded after odoo<version>_schema.sql. Only columns
-- every supported version has are written here; odoo_db.py adds what differs by version.

-- Two companies (the second sells in AED); two salespeople and a portal user.
INSERT INTO res_currency (id, name, active) VALUES (1, 'EUR', true), (2, 'AED', true);
INSERT INTO res_company (id, name, partner_id, currency_id) VALUES (1, 'My Company', 1, 1),
  (2, 'My Company (Dubai)', NULL, 2);
INSERT INTO res_partner_industry (id, name, full_name, active) VALUES
  (5, '{"en_US": "Manufacturing", "fa_IR": "تولید"}', '{"en_US": "C - Manufacturing"}', true),
  (6, '{"en_US": "Wholesale"}', NULL, true);
INSERT INTO res_partner (id, name, company_id, industry_id, active) VALUES
  (1, 'Sara Ahmadi', 1, NULL, true), (2, 'Reza Karimi', 1, NULL, true), (3, 'Portal Client', NULL, NULL, true),
  (10, 'Acme Ltd', NULL, 6, true), (11, 'Beta Co', NULL, 5, true), (12, 'Gamma LLC', NULL, NULL, true);
INSERT INTO res_users (id, login, partner_id, company_id, share, active) VALUES
  (2, 'sara', 1, 1, false, true), (3, 'reza', 2, 1, false, true), (4, 'portal', 3, 1, true, true);
INSERT INTO ir_model_fields (id, name, model, field_description, ttype, relation) VALUES
  (900, 'stage_id', 'crm.lead', '{"en_US": "Stage"}', 'many2one', 'crm.stage'),
  (901, 'user_id', 'crm.lead', '{"en_US": "Salesperson"}', 'many2one', 'res.users'),
  (950, 'stage_id', 'project.task', '{"en_US": "Stage"}', 'many2one', 'project.task.type');
INSERT INTO crm_team (id, name, company_id, active) VALUES
  (1, '{"en_US": "North", "fa_IR": "شمال"}', 1, true), (2, '{"en_US": "South"}', 1, true);
INSERT INTO crm_team_member (crm_team_id, user_id, active) VALUES (1, 2, true), (2, 3, true);
INSERT INTO crm_stage (id, name, sequence, is_won, fold) VALUES
  (1, '{"en_US": "New"}', 1, false, false), (2, '{"en_US": "Qualified"}', 2, false, false),
  (3, '{"en_US": "Proposition"}', 3, false, false), (4, '{"en_US": "Won"}', 70, true, false);
INSERT INTO crm_lost_reason (id, name, active) VALUES
  (1, '{"en_US": "Too expensive", "fa_IR": "خیلی گران"}', true), (2, '{"en_US": "We don''t have people/skills"}', true);
INSERT INTO utm_medium (id, name, active) VALUES (1, 'Email', true), (2, 'Phone', true), (3, 'Website', true),
  (4, 'Television', true);
INSERT INTO utm_campaign (id, name, title) VALUES (1, 'Spring sale', '{"en_US": "Spring sale"}');
-- mail's own types (mail_activity_type_data.xml) and calendar's meeting
INSERT INTO mail_activity_type (id, name, category, active, sequence) VALUES
  (1, '{"en_US": "Email"}', 'default', true, 3), (2, '{"en_US": "Call"}', 'phonecall', true, 5),
  (3, '{"en_US": "Meeting"}', 'meeting', true, 6), (4, '{"en_US": "To-Do"}', 'default', true, 12);
-- mail_data.xml: Discussions (mt_comment), Note (mt_note, internal), Activities (mt_activities);
-- crm_data.xml: Stage Changed (mt_lead_stage)
INSERT INTO mail_message_subtype (id, name, internal, res_model) VALUES
  (1, '{"en_US": "Discussions"}', false, NULL), (2, '{"en_US": "Note"}', true, NULL),
  (3, '{"en_US": "Activities"}', true, NULL), (4, '{"en_US": "Stage Changed"}', false, 'crm.lead');

-- January 2026: five leads. 101 and 102 became opportunities (102 won in February), 103 was
-- disqualified (archived lead), 104 stays a lead, 105 was created directly as an opportunity, in
-- the Dubai company, and marked lost ("Too expensive").
INSERT INTO crm_lead (id, name, type, active, user_id, team_id, company_id, partner_id, stage_id,
                      lost_reason_id, medium_id, campaign_id, expected_revenue, probability,
                      create_uid, create_date, write_date, date_conversion, date_closed) VALUES
  (101, 'Acme deal', 'opportunity', true, 2, 1, 1, 10, 3, NULL, 1, 1, 5000, 40,
   2, '2026-01-05 09:00', '2026-01-20 10:00', '2026-01-12 15:30', NULL),
  (102, 'Beta deal', 'opportunity', true, 3, 2, 1, 11, 4, NULL, 2, NULL, 1200.50, 100,
   3, '2026-01-07 11:00', '2026-02-03 16:00', '2026-01-09 10:00', '2026-02-03 16:00'),
  (103, 'Cold lead', 'lead', false, 2, 1, 1, NULL, 1, NULL, 3, NULL, 0, 0,
   2, '2026-01-15 08:00', '2026-01-25 12:00', NULL, '2026-01-25 12:00'),
  (104, 'Waiting lead', 'lead', true, 3, 2, 1, NULL, 1, NULL, 4, NULL, 0, 10,
   3, '2026-01-20 14:00', '2026-01-20 14:00', NULL, NULL),
  (105, 'Gamma deal', 'opportunity', false, 3, 2, 2, 12, 2, 1, NULL, NULL, 800, 0,
   3, '2026-01-28 10:00', '2026-02-10 09:00', NULL, '2026-02-10 09:00');

-- Activities still to do (mail_activity): 101 has a call planned, 102 a follow-up call planned
-- right after it came in (before its first real call), 104 a to-do. The activity of res.partner
-- 10 is not a lead's. (Lead 102's third call, done on 2026-01-20, was deleted when marked done,
-- as Odoo 16 always does; 17+ archive it instead when its type keeps done activities: see
-- odoo_db.py.)
INSERT INTO mail_activity (id, res_model_id, res_model, res_id, activity_type_id, date_deadline,
                           user_id, create_uid, create_date) VALUES
  (2, 1, 'crm.lead', 101, 2, '2026-01-25', 2, 2, '2026-01-06 09:00'),
  (6, 1, 'crm.lead', 102, 2, '2026-02-20', 3, 3, '2026-01-07 11:10'),
  (7, 1, 'crm.lead', 104, 4, '2026-01-27', 3, 3, '2026-01-20 14:05'),
  (5, 2, 'res.partner', 10, 1, '2026-01-12', 2, 2, '2026-01-10 08:00');

-- The chatter (mail_message). Marking an activity done posts a message of type notification with
-- the activity type and subtype Activities, authored by the user; "Send message" posts a comment
-- with subtype Discussions; "Log note" a comment with subtype Note; an e-mail received on the
-- lead's alias is of type email, authored by the sender's partner; a stage change is a
-- notification whose tracking values hold the old and new stage.
INSERT INTO mail_message (id, date, model, res_id, message_type, subtype_id, mail_activity_type_id,
                          is_internal, author_id, body) VALUES
  -- 101: e-mail activity done, meeting done
  (10, '2026-01-05 10:30', 'crm.lead', 101, 'notification', 3, 1, false, 1, '<p>Email done</p>'),
  (11, '2026-01-14 15:00', 'crm.lead', 101, 'notification', 3, 3, false, 1, '<p>Meeting done</p>'),
  -- 102: three calls done, two e-mails sent, one reply received, one internal note
  (20, '2026-01-07 11:45', 'crm.lead', 102, 'notification', 3, 2, false, 2, '<p>Call done</p>'),
  (21, '2026-01-08 14:00', 'crm.lead', 102, 'notification', 3, 2, false, 2, '<p>Call done</p>'),
  (22, '2026-01-09 09:00', 'crm.lead', 102, 'comment', 1, NULL, false, 2, '<p>Our offer</p>'),
  (23, '2026-01-16 15:00', 'crm.lead', 102, 'email', 1, NULL, false, 2, '<p>Re: offer (from Outlook)</p>'),
  (24, '2026-01-20 10:00', 'crm.lead', 102, 'notification', 3, 2, false, 2, '<p>Call done</p>'),
  (25, '2026-01-09 13:00', 'crm.lead', 102, 'email', 1, NULL, false, 11, '<p>Thanks, interested</p>'),
  (26, '2026-01-10 08:00', 'crm.lead', 102, 'comment', 2, NULL, true, 2, '<p>Budget is tight</p>'),
  -- 103: a to-do done (not contact); 105: a call done
  (30, '2026-01-16 08:00', 'crm.lead', 103, 'notification', 3, 4, false, 1, '<p>To-Do done</p>'),
  (50, '2026-01-28 13:00', 'crm.lead', 105, 'notification', 3, 2, false, 2, '<p>Call done</p>'),
  -- a partner's chatter is not a lead's
  (60, '2026-01-11 10:00', 'res.partner', 10, 'comment', 1, NULL, false, 1, '<p>Hello</p>'),
  -- stage changes, and a change of salesperson (76), also tracked
  (70, '2026-01-12 15:30', 'crm.lead', 101, 'notification', 4, NULL, false, 1, NULL),
  (71, '2026-01-20 10:00', 'crm.lead', 101, 'notification', 4, NULL, false, 1, NULL),
  (72, '2026-01-09 10:00', 'crm.lead', 102, 'notification', 4, NULL, false, 2, NULL),
  (73, '2026-01-15 09:00', 'crm.lead', 102, 'notification', 4, NULL, false, 2, NULL),
  (74, '2026-02-03 16:00', 'crm.lead', 102, 'notification', 4, NULL, false, 2, NULL),
  (75, '2026-02-02 12:00', 'crm.lead', 105, 'notification', 4, NULL, false, 2, NULL),
  (76, '2026-01-13 09:00', 'crm.lead', 101, 'notification', NULL, NULL, false, 2, NULL);
-- The stage changes' tracking values are written by odoo_db.py: their columns differ by version.
