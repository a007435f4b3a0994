-- A small Odoo 17.0 CRM database: the tables the odoo mapping reads, with the columns and types
-- Odoo's ORM creates from the model definitions named beside each table (odoo/odoo, 17.0 layout:
-- fields.Char -> varchar, Text/Html -> text, translated Char -> jsonb, Integer and Many2one ->
-- integer, Float without digits -> double precision, Monetary -> numeric, Datetime -> timestamp
-- (UTC), Date -> date, Boolean -> boolean, Selection -> varchar, Json -> jsonb; every model also
-- has id, create_uid, create_date, write_uid, write_date). Only the columns the mapping or the
-- records below use are created; Odoo's tables have more.

-- odoo/addons/base/models/res_currency.py (res.currency)
CREATE TABLE res_currency (id serial PRIMARY KEY, name varchar NOT NULL, active boolean);
-- odoo/addons/base/models/res_company.py (res.company)
CREATE TABLE res_company (id serial PRIMARY KEY, name varchar NOT NULL, partner_id integer,
                          currency_id integer NOT NULL REFERENCES res_currency);
-- odoo/addons/base/models/res_partner.py (res.partner.industry: name and full_name translate=True)
CREATE TABLE res_partner_industry (id serial PRIMARY KEY, name jsonb, full_name jsonb, active boolean);
-- odoo/addons/base/models/res_partner.py (res.partner)
CREATE TABLE res_partner (id serial PRIMARY KEY, name varchar, company_id integer REFERENCES res_company,
                          industry_id integer REFERENCES res_partner_industry, email varchar,
                          active boolean, create_date timestamp);
-- odoo/addons/base/models/res_users.py (res.users: share is a stored compute)
CREATE TABLE res_users (id serial PRIMARY KEY, login varchar NOT NULL, partner_id integer NOT NULL
                        REFERENCES res_partner, company_id integer NOT NULL REFERENCES res_company,
                        share boolean, active boolean);
-- odoo/addons/base/models/ir_model.py (ir.model.fields: field_description translate=True)
CREATE TABLE ir_model_fields (id serial PRIMARY KEY, name varchar NOT NULL, model varchar NOT NULL,
                              field_description jsonb NOT NULL, ttype varchar NOT NULL, relation varchar);
-- addons/sales_team/models/crm_team.py and crm_team_member.py
CREATE TABLE crm_team (id serial PRIMARY KEY, name jsonb NOT NULL, user_id integer REFERENCES res_users,
                       company_id integer REFERENCES res_company, active boolean);
CREATE TABLE crm_team_member (id serial PRIMARY KEY, crm_team_id integer NOT NULL REFERENCES crm_team,
                              user_id integer NOT NULL REFERENCES res_users, active boolean);
-- addons/crm/models/crm_stage.py (crm.stage: name translate=True)
CREATE TABLE crm_stage (id serial PRIMARY KEY, name jsonb NOT NULL, sequence integer, is_won boolean,
                        fold boolean, team_id integer REFERENCES crm_team);
-- addons/crm/models/crm_lost_reason.py (crm.lost.reason: name translate=True)
CREATE TABLE crm_lost_reason (id serial PRIMARY KEY, name jsonb NOT NULL, active boolean);
-- addons/utm/models/utm_medium.py, utm_source.py, utm_campaign.py (utm.campaign: title translate=True)
CREATE TABLE utm_medium (id serial PRIMARY KEY, name varchar NOT NULL, active boolean);
CREATE TABLE utm_source (id serial PRIMARY KEY, name varchar NOT NULL);
CREATE TABLE utm_campaign (id serial PRIMARY KEY, name varchar NOT NULL, title jsonb NOT NULL);
-- addons/crm/models/crm_lead.py (crm.lead; campaign/medium/source from utm.mixin)
CREATE TABLE crm_lead (
    id serial PRIMARY KEY, name varchar NOT NULL, type varchar NOT NULL, active boolean,
    user_id integer REFERENCES res_users, team_id integer REFERENCES crm_team,
    company_id integer REFERENCES res_company, partner_id integer REFERENCES res_partner,
    stage_id integer REFERENCES crm_stage, lost_reason_id integer REFERENCES crm_lost_reason,
    medium_id integer REFERENCES utm_medium, source_id integer REFERENCES utm_source,
    campaign_id integer REFERENCES utm_campaign, expected_revenue numeric, probability double precision,
    date_open timestamp, date_conversion timestamp, date_closed timestamp, date_deadline date,
    date_last_stage_update timestamp,
    create_uid integer REFERENCES res_users, create_date timestamp, write_uid integer, write_date timestamp);
-- addons/mail/models/mail_activity_type.py (name translate=True; category gains 'phonecall' in
-- mail itself and 'meeting' from addons/calendar; keep_done is new in 17.0)
CREATE TABLE mail_activity_type (id serial PRIMARY KEY, name jsonb NOT NULL, category varchar,
                                 res_model varchar, keep_done boolean, active boolean, sequence integer);
-- addons/mail/models/mail_activity.py (active and date_done are new in 17.0)
CREATE TABLE mail_activity (
    id serial PRIMARY KEY, res_model_id integer NOT NULL, res_model varchar, res_id integer,
    res_name varchar, activity_type_id integer REFERENCES mail_activity_type, summary varchar,
    note text, date_deadline date NOT NULL, date_done date, automated boolean,
    user_id integer NOT NULL REFERENCES res_users, active boolean,
    create_uid integer, create_date timestamp);
-- addons/mail/models/mail_message_subtype.py (name translate=True)
CREATE TABLE mail_message_subtype (id serial PRIMARY KEY, name jsonb NOT NULL, internal boolean,
                                   res_model varchar);
-- addons/mail/models/mail_message.py (mail.message)
CREATE TABLE mail_message (
    id serial PRIMARY KEY, subject varchar, date timestamp, body text, model varchar, res_id integer,
    message_type varchar NOT NULL, subtype_id integer REFERENCES mail_message_subtype,
    mail_activity_type_id integer REFERENCES mail_activity_type, is_internal boolean,
    email_from varchar, author_id integer REFERENCES res_partner, message_id varchar,
    create_uid integer, create_date timestamp);
-- addons/mail/models/mail_tracking_value.py (field_id and field_info are 17.0's; 16.0 had field)
CREATE TABLE mail_tracking_value (
    id serial PRIMARY KEY, field_id integer REFERENCES ir_model_fields, field_info jsonb,
    old_value_integer integer, old_value_float double precision, old_value_char varchar,
    old_value_text text, old_value_datetime timestamp,
    new_value_integer integer, new_value_float double precision, new_value_char varchar,
    new_value_text text, new_value_datetime timestamp, currency_id integer,
    mail_message_id integer NOT NULL REFERENCES mail_message);

-- Records, as Odoo writes them. Two companies (the second sells in AED); two salespeople and a
-- portal user.
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
-- mail's own types (mail_activity_type_data.xml) and calendar's meeting; Call keeps done activities
INSERT INTO mail_activity_type (id, name, category, keep_done, active, sequence) VALUES
  (1, '{"en_US": "Email"}', 'default', false, true, 3), (2, '{"en_US": "Call"}', 'phonecall', true, true, 5),
  (3, '{"en_US": "Meeting"}', 'meeting', false, true, 6), (4, '{"en_US": "To-Do"}', 'default', false, true, 12);
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

-- Activities still to do (mail_activity, active): 101 has a call planned, 102 a follow-up call
-- planned right after it came in (before its first real call), 104 a to-do. The activity of
-- res.partner 10 is not a lead's. Activity 9 is lead 102's third call, done on 2026-01-20: its
-- type keeps done activities, so Odoo archived it (and posted message 24 below).
INSERT INTO mail_activity (id, res_model_id, res_model, res_id, activity_type_id, date_deadline, date_done,
                           user_id, active, create_uid, create_date) VALUES
  (2, 1, 'crm.lead', 101, 2, '2026-01-25', NULL, 2, true, 2, '2026-01-06 09:00'),
  (6, 1, 'crm.lead', 102, 2, '2026-02-20', NULL, 3, true, 3, '2026-01-07 11:10'),
  (7, 1, 'crm.lead', 104, 4, '2026-01-27', NULL, 3, true, 3, '2026-01-20 14:05'),
  (5, 2, 'res.partner', 10, 1, '2026-01-12', NULL, 2, true, 2, '2026-01-10 08:00'),
  (9, 1, 'crm.lead', 102, 2, '2026-01-20', '2026-01-20', 3, false, 3, '2026-01-16 09:00');

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
-- Many2one tracking: ids in *_value_integer, display names in *_value_char
INSERT INTO mail_tracking_value (field_id, old_value_integer, new_value_integer, old_value_char,
                                 new_value_char, mail_message_id) VALUES
  (900, 1, 2, 'New', 'Qualified', 70), (901, 3, 2, 'Reza Karimi', 'Sara Ahmadi', 76),
  (900, 2, 3, 'Qualified', 'Proposition', 71),
  (900, 1, 2, 'New', 'Qualified', 72), (900, 2, 3, 'Qualified', 'Proposition', 73),
  (900, 3, 4, 'Proposition', 'Won', 74),
  (900, 1, 2, 'New', 'Qualified', 75);
